using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using AsyncProf.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.AspNetCore
{
    /// <summary>
    /// A token that does not verify is ignored: the response is the one an untriggered request gets (status,
    /// headers, body), nothing is recorded and no profile is stored. One test per way a token can be wrong.
    /// </summary>
    [TestFixture, NonParallelizable]
    [Category(Categories.Integration)]
    public class RejectedTriggerTests
    {
        TestServer server = null!;

        [OneTimeSetUp]
        public async Task StartServer()
        {
            server = await TestServer.Start(web =>
            {
                web.MapGet("/work/{steps:int}", (int steps) => RequestProfilingTests.Work(steps));
                web.MapGet("/admin/{steps:int}", (int steps) => RequestProfilingTests.Work(steps));
                web.MapPost("/work/{steps:int}", (int steps) => RequestProfilingTests.Work(steps));
                web.MapGet("/headers", (HttpContext c) => string.Join(",", c.Request.Headers.Keys.Where(k => k.StartsWith("X-", StringComparison.OrdinalIgnoreCase))));
            }, o => o.MaxTokenLifetime = TimeSpan.FromMinutes(5));
        }

        [OneTimeTearDown]
        public async Task StopServer() => await server.DisposeAsync();

        /// <summary>Sends <paramref name="request"/> and the same request without any token; asserts both responses are the same.</summary>
        async Task AssertServedAsUntriggered(HttpRequestMessage request)
        {
            var stored = server.Service.Store.Count;
            var untriggered = new HttpRequestMessage(request.Method, request.RequestUri);
            var rejected = await server.Client.SendAsync(request);
            var plain = await server.Client.SendAsync(untriggered);
            Assert.That(rejected.StatusCode, Is.EqualTo(plain.StatusCode));
            Assert.That(Headers(rejected), Is.EqualTo(Headers(plain)), "the same headers (Date aside)");
            Assert.That(await rejected.Content.ReadAsStringAsync(), Is.EqualTo(await plain.Content.ReadAsStringAsync()));
            Assert.That(TestServer.ProfileId(rejected), Is.Null);
            Assert.That(server.Service.Store.Count, Is.EqualTo(stored), "no profile in the store");
            Assert.That(Probe.Active, Is.False, "nothing recording");
        }

        static List<string> Headers(HttpResponseMessage r) =>
            r.Headers.Concat(r.Content.Headers).Where(h => h.Key != "Date")
                .Select(h => h.Key + ": " + string.Join(",", h.Value)).OrderBy(h => h, StringComparer.Ordinal).ToList();

        [Test]
        public Task Missing() => AssertServedAsUntriggered(new HttpRequestMessage(HttpMethod.Get, "/work/2"));

        [Test]
        public Task Expired() =>
            AssertServedAsUntriggered(TestServer.Signed(HttpMethod.Get, "/work/2", expires: DateTimeOffset.UtcNow.AddMinutes(-1)));

        [Test]
        public Task Valid_for_longer_than_the_server_allows() =>
            AssertServedAsUntriggered(TestServer.Signed(HttpMethod.Get, "/work/2", expires: DateTimeOffset.UtcNow.AddDays(1)));

        [Test]
        public async Task Replayed()
        {
            var token = TestServer.Token("GET", "/work/2");
            var first = await server.Client.SendAsync(TestServer.WithToken("/work/2", token));
            Assert.That(TestServer.ProfileId(first), Is.Not.Null, "the first use profiles");
            await AssertServedAsUntriggered(TestServer.WithToken("/work/2", token));
        }

        [Test]
        public Task Tampered_path() =>
            AssertServedAsUntriggered(TestServer.WithToken("/admin/2", TestServer.Token("GET", "/work/2")));

        [Test]
        public Task Tampered_query() =>
            AssertServedAsUntriggered(TestServer.WithToken("/work/2?x=2", TestServer.Token("GET", "/work/2?x=1")));

        [Test]
        public Task Tampered_method() =>
            AssertServedAsUntriggered(TestServer.Signed(HttpMethod.Post, "/work/2", signedMethod: "GET"));

        [Test]
        public Task Wrong_key() =>
            AssertServedAsUntriggered(TestServer.Signed(HttpMethod.Get, "/work/2", TriggerKey.New()));

        [Test]
        public Task Right_key_id_with_another_secret()
        {
            var impostor = TriggerKey.Parse(TestServer.Key.Id + ":" + Convert.ToBase64String(new byte[32]));
            return AssertServedAsUntriggered(TestServer.Signed(HttpMethod.Get, "/work/2", impostor));
        }

        [Test]
        public Task Tampered_expiry()
        {
            var parts = TestServer.Token("GET", "/work/2").Split('.');
            parts[2] = (long.Parse(parts[2]) + 60).ToString();
            return AssertServedAsUntriggered(TestServer.WithToken("/work/2", string.Join(".", parts)));
        }

        [TestCase("")]
        [TestCase("s3cret")]
        [TestCase("v1.k.1.2.3")]
        [TestCase("v2.kabc.99999999999.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
        [TestCase("v1..99999999999.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
        [TestCase("v1.kabc.-5.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
        [TestCase("v1.kabc.99999999999.AAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
        [TestCase("v1.kabc.99999999999.AAAAAAAAAAAAAAAAAAAAAA.!!!")]
        public Task Malformed(string token) => AssertServedAsUntriggered(TestServer.WithToken("/work/2", token));

        [Test]
        public Task Malformed_too_long() =>
            AssertServedAsUntriggered(TestServer.WithToken("/work/2", TestServer.Token("GET", "/work/2") + new string('A', 300)));

        [Test]
        public async Task A_rejected_token_still_goes_no_further_than_the_middleware()
        {
            var response = await server.Client.SendAsync(TestServer.Signed(HttpMethod.Get, "/headers", TriggerKey.New()));
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Not.Contain(AsyncProfHeaders.Trigger));
        }

        [Test]
        public async Task A_good_token_on_the_same_server_does_profile()
        {
            // the control: the cases above fail to trigger for their fault alone
            var response = await server.Client.SendAsync(TestServer.Signed(HttpMethod.Post, "/work/2"));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(TestServer.ProfileId(response), Is.Not.Null);
        }
    }
}
