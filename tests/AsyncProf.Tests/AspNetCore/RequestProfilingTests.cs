using System;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using AsyncProf.AspNetCore;
using AsyncProf.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace AsyncProf.Tests.AspNetCore
{
    /// <summary>
    /// UseAsyncProf on a real Kestrel server (127.0.0.1, a port the OS picks): one triggered request among
    /// concurrent ones is profiled alone. The handler calls the probe API as woven code would.
    /// </summary>
    [TestFixture, NonParallelizable]
    [Category(Categories.Integration)]
    public class RequestProfilingTests
    {
        static readonly int Base = Probe.RegisterModule("sync\tWeb.Step\tWeb.cs\t1\nsync\tWeb.Queued\tWeb.cs\t2");

        WebApplication app = null!;
        HttpClient client = null!;
        string profiles = null!;

        static void Call(int id)
        {
            var token = Probe.Active ? Probe.Enter(Base + id) : 0;
            Probe.Exit(token);
        }

        [OneTimeSetUp]
        public async Task StartServer()
        {
            profiles = Path.Combine(RepoPaths.Scratch, "aspnetcore-profiles", Guid.NewGuid().ToString("N").Substring(0, 8));
            (app, client) = await StartServer(o => { o.Secret = "s3cret"; o.OutputDirectory = profiles; }, web =>
            {
                web.MapGet("/work/{steps:int}", async (int steps) =>
                {
                    for (var i = 0; i < steps; i++)
                    {
                        Call(0);
                        await Task.Yield();
                    }
                    await Task.Run(() => Call(1));
                    return steps;
                });
                web.MapGet("/sees-trigger", (Microsoft.AspNetCore.Http.HttpContext c) => c.Request.Headers.ContainsKey(AsyncProfOptions.TriggerHeader) ? "yes" : "no");
            });
        }

        /// <summary>A Kestrel server on 127.0.0.1 (a port the OS picks) with UseAsyncProf first in its pipeline.</summary>
        static async Task<(WebApplication App, HttpClient Client)> StartServer(Action<AsyncProfOptions> configure, Action<WebApplication> map)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var web = builder.Build();
            web.UseAsyncProf(configure);
            map(web);
            await web.StartAsync();
            var address = web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return (web, new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) });
        }

        static HttpRequestMessage Triggered(string path, string trigger)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add(AsyncProfOptions.TriggerHeader, trigger);
            return request;
        }

        [OneTimeTearDown]
        public async Task StopServer()
        {
            client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }

        Task<HttpResponseMessage> Get(int steps, string? trigger) =>
            client.SendAsync(trigger != null ? Triggered("/work/" + steps, trigger) : new HttpRequestMessage(HttpMethod.Get, "/work/" + steps));

        string[] Profiles() => Directory.Exists(profiles) ? Directory.GetFiles(profiles) : Array.Empty<string>();

        [Test]
        public async Task A_triggered_request_is_profiled_alone_among_concurrent_ones()
        {
            var before = Profiles();
            var others = Enumerable.Range(0, 5).Select(_ => Get(5, trigger: null)).ToList();
            var triggered = Get(3, trigger: "s3cret");
            await Task.WhenAll(others.Append(triggered));

            var response = await triggered;
            Assert.That(response.IsSuccessStatusCode, Is.True);
            var written = Profiles().Except(before).ToList();
            Assert.That(written, Has.Count.EqualTo(1), "one profile, for the triggered request");
            Assert.That(response.Headers.GetValues(AsyncProfOptions.ProfileHeader).Single(), Is.EqualTo(Path.GetFileName(written[0])));

            var p = ProfileFile.Load(written[0]);
            Assert.That(p.Function("Web.Step").Calls, Is.EqualTo(3), "its own 3 steps, none of the other requests' 25");
            Assert.That(p.Function("Web.Queued").Calls, Is.EqualTo(1), "work it queued to the pool");
            ProfileInvariants.AssertHold(p);
            foreach (var other in others) Assert.That((await other).Headers.Contains(AsyncProfOptions.ProfileHeader), Is.False);
        }

        [Test]
        public async Task A_wrong_secret_profiles_nothing()
        {
            var before = Profiles();
            var response = await Get(2, trigger: "guess");
            Assert.That(response.IsSuccessStatusCode, Is.True);
            Assert.That(response.Headers.Contains(AsyncProfOptions.ProfileHeader), Is.False);
            Assert.That(Profiles().Except(before), Is.Empty);
            Assert.That(Probe.Active, Is.False, "no scope left recording");
        }

        [Test]
        public async Task Without_a_secret_configured_the_header_triggers_nothing()
        {
            var dir = profiles + "-nosecret";
            var (open, c) = await StartServer(o => o.OutputDirectory = dir, web => web.MapGet("/", () => "ok"));
            await using var _ = open;
            using var __ = c;
            var response = await c.SendAsync(Triggered("/", ""));
            Assert.That(response.IsSuccessStatusCode, Is.True);
            Assert.That(Directory.Exists(dir), Is.False);
            await open.StopAsync();
        }

        [Test]
        public async Task The_secret_goes_no_further_than_the_middleware()
        {
            var response = await client.SendAsync(Triggered("/sees-trigger", "s3cret"));
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("no"));
            Assert.That(response.Headers.Contains(AsyncProfOptions.ProfileHeader), Is.True, "the request was profiled");
        }

        [Test]
        public async Task A_profile_that_cannot_be_written_does_not_break_the_request()
        {
            var blocker = Path.Combine(RepoPaths.Scratch, "aspnetcore-blocker-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            File.WriteAllText(blocker, "a file where the profile folder should be");
            var (broken, c) = await StartServer(o => { o.Secret = "s3cret"; o.OutputDirectory = Path.Combine(blocker, "profiles"); },
                web => web.MapGet("/", () => "served"));
            await using var _ = broken;
            using var __ = c;
            var response = await c.SendAsync(Triggered("/", "s3cret"));
            Assert.That(response.IsSuccessStatusCode, Is.True);
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("served"));
            Assert.That(Probe.Active, Is.False, "the scope was stopped all the same");
            await broken.StopAsync();
        }
    }
}
