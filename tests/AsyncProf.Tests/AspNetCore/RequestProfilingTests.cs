using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using AsyncProf.AspNetCore;
using AsyncProf.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace AsyncProf.Tests.AspNetCore
{
    /// <summary>
    /// AddAsyncProf/UseAsyncProf on a real Kestrel server: one request signed with the key, among concurrent ones, is
    /// profiled alone and its profile fetched from the store. The handler calls the probe API as woven code would.
    /// </summary>
    [TestFixture, NonParallelizable]
    [Category(Categories.Integration)]
    public class RequestProfilingTests
    {
        internal static readonly int Base = Probe.RegisterModule("sync\tWeb.Step\tWeb.cs\t1\nsync\tWeb.Queued\tWeb.cs\t2");

        TestServer server = null!;

        internal static void Call(int id)
        {
            var token = Probe.Active ? Probe.Enter(Base + id) : 0;
            Probe.Exit(token);
        }

        /// <summary>Steps calls of Web.Step, each followed by a yield, then one Web.Queued on the pool.</summary>
        internal static async Task<int> Work(int steps)
        {
            for (var i = 0; i < steps; i++)
            {
                Call(0);
                await Task.Yield();
            }
            await Task.Run(() => Call(1));
            return steps;
        }

        [OneTimeSetUp]
        public async Task StartServer()
        {
            server = await TestServer.Start(web =>
            {
                web.MapGet("/work/{steps:int}", (int steps) => Work(steps));
                web.MapGet("/sees-trigger", (HttpContext c) => c.Request.Headers.ContainsKey(AsyncProfHeaders.Trigger) ? "yes" : "no");
            });
        }

        [OneTimeTearDown]
        public async Task StopServer() => await server.DisposeAsync();

        [Test]
        public async Task A_signed_request_is_profiled_alone_among_concurrent_ones_and_its_profile_fetched()
        {
            var stored = server.Service.Store.Count;
            var others = Enumerable.Range(0, 5).Select(_ => server.Client.GetAsync("/work/5")).ToList();
            var triggered = server.Client.SendAsync(TestServer.Signed(HttpMethod.Get, "/work/3"));
            await Task.WhenAll(others.Append(triggered));

            var response = await triggered;
            Assert.That(response.IsSuccessStatusCode, Is.True);
            var id = TestServer.ProfileId(response);
            Assert.That(id, Is.Not.Null.And.Match("^[A-Za-z0-9_-]{22}$"), "the response names its profile: the token's nonce (16 bytes, base64url)");
            Assert.That(server.Service.Store.Count, Is.EqualTo(stored + 1), "one profile, for the signed request");
            foreach (var other in others) Assert.That(TestServer.ProfileId(await other), Is.Null);

            var (p, fetch) = await server.Fetch(id!);
            Assert.That(p, Is.Not.Null, $"fetched: {fetch.StatusCode}");
            Assert.That(fetch.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
            Assert.That(p!.Function("Web.Step").Calls, Is.EqualTo(3), "its own 3 steps, none of the other requests' 25");
            Assert.That(p.Function("Web.Queued").Calls, Is.EqualTo(1), "work it queued to the pool");
            ProfileInvariants.AssertHold(p);
            Assert.That(Probe.Active, Is.False, "no scope left recording");
        }

        [Test]
        public async Task The_token_goes_no_further_than_the_middleware()
        {
            var response = await server.Client.SendAsync(TestServer.Signed(HttpMethod.Get, "/sees-trigger"));
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("no"));
            Assert.That(TestServer.ProfileId(response), Is.Not.Null, "the request was profiled");
        }

        [Test]
        public async Task A_request_the_handler_fails_is_profiled_and_its_failure_served_as_usual()
        {
            await using var failing = await TestServer.Start(web => web.MapGet("/", (Func<string>)(() => throw new InvalidOperationException("boom"))));
            var response = await failing.Client.SendAsync(TestServer.Signed(HttpMethod.Get, "/"));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
            // (Kestrel resets the headers of a response it turns into a 500, the profile's id with them)
            Assert.That(failing.Service.Store.Count, Is.EqualTo(1), "its profile is stored all the same");
            Assert.That(Probe.Active, Is.False, "the scope was stopped");
        }

        [Test]
        public async Task Without_a_key_configured_a_signed_request_is_served_unprofiled()
        {
            await using var off = await TestServer.Start(web => web.MapGet("/", () => "ok"), o => o.Key = "");
            Assert.That(off.Service.Verifier, Is.Null, "profiling is off");
            var response = await off.Client.SendAsync(TestServer.Signed(HttpMethod.Get, "/"));
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("ok"));
            Assert.That(TestServer.ProfileId(response), Is.Null);
            var status = await off.Client.SendAsync(TestServer.Signed(HttpMethod.Get, "/_asyncprof/status"));
            Assert.That(status.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "no endpoint either: the app's own 404");
            Assert.That(off.Service.Store.Count, Is.EqualTo(0));
        }

        [Test]
        public async Task The_key_is_read_from_the_AsyncProf_section_of_configuration_such_as_the_environment()
        {
            var key = TriggerKey.New();
            Environment.SetEnvironmentVariable("AsyncProf__Key", key.ToKeyText());
            try
            {
                await using var configured = await TestServer.Start(web => web.MapGet("/", () => "ok"), o => { },
                    b => b.Configuration.AddEnvironmentVariables());
                // the test server's default key applies only when configuration has none
                Assert.That(configured.Service.Verifier?.KeyId, Is.EqualTo(key.Id));
                var response = await configured.Client.SendAsync(TestServer.Signed(HttpMethod.Get, "/", key));
                Assert.That(TestServer.ProfileId(response), Is.Not.Null, "a token signed with the configured key triggers");
            }
            finally
            {
                Environment.SetEnvironmentVariable("AsyncProf__Key", null);
            }
        }

        [Test]
        public async Task Options_bind_from_appsettings_style_configuration()
        {
            var key = TriggerKey.New();
            await using var configured = await TestServer.Start(web => web.MapGet("/", () => "ok"), o => { }, b =>
                b.Configuration.AddInMemoryCollection(new System.Collections.Generic.Dictionary<string, string?>
                {
                    ["AsyncProf:Key"] = key.ToKeyText(),
                    ["AsyncProf:MaxConcurrentProfiles"] = "7",
                    ["AsyncProf:MaxDuration"] = "00:00:04",
                    ["AsyncProf:SampleRate"] = "0.25",
                    ["AsyncProf:Pyroscope:Url"] = "http://127.0.0.1:1",
                    ["AsyncProf:Pyroscope:Labels:env"] = "staging",
                }));
            Assert.That(configured.Service.Verifier?.KeyId, Is.EqualTo(key.Id));
            Assert.That(configured.Service.Options.MaxConcurrentProfiles, Is.EqualTo(7));
            Assert.That(configured.Service.Options.MaxDuration, Is.EqualTo(TimeSpan.FromSeconds(4)));
            Assert.That(configured.Service.Options.SampleRate, Is.EqualTo(0.25));
            Assert.That(configured.Service.Options.Pyroscope.Labels["env"], Is.EqualTo("staging"));
            Assert.That(configured.Service.Exporter, Is.Not.Null, "Pyroscope:Url set: the exporter runs");
        }

        [Test]
        public void A_key_that_is_not_a_key_stops_the_app_at_startup_with_one_clear_line()
        {
            var e = Assert.ThrowsAsync<InvalidOperationException>(async () =>
            {
                await using var started = await TestServer.Start(web => web.MapGet("/", () => "ok"), o => o.Key = "s3cret");
            });
            Assert.That(e!.Message, Does.StartWith("AsyncProf:Key: not an AsyncProf key").And.Not.Contain("s3cret"));
        }

        [Test]
        public void UseAsyncProf_without_AddAsyncProf_says_what_is_missing()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            var web = builder.Build();
            var e = Assert.Throws<InvalidOperationException>(() => web.UseAsyncProf());
            Assert.That(e!.Message, Does.Contain("builder.Services.AddAsyncProf()"));
        }

        [Test]
        public async Task UseAsyncProf_with_options_in_code_works_without_AddAsyncProf()
        {
            var builder = TestServer.Loopback();
            await using var web = builder.Build();
            web.UseAsyncProf(o => o.Key = TestServer.Key.ToKeyText());
            web.MapGet("/work/{steps:int}", (int steps) => Work(steps));
            await web.StartAsync();
            var address = web.Urls.First();
            using var client = new HttpClient { BaseAddress = new Uri(address) };
            var response = await client.SendAsync(TestServer.Signed(HttpMethod.Get, "/work/2"));
            var id = TestServer.ProfileId(response);
            Assert.That(id, Is.Not.Null);
            var fetch = await client.SendAsync(TestServer.Signed(HttpMethod.Get, "/_asyncprof/profiles/" + id));
            Assert.That(fetch.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await fetch.Content.ReadAsStringAsync(), Does.Contain("\"Web.Step\""));
            await web.StopAsync();
        }
    }
}
