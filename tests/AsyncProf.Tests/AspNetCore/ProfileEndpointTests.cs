using System;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using AsyncProf.AspNetCore;
using Microsoft.AspNetCore.Builder;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.AspNetCore
{
    /// <summary>/_asyncprof/profiles/{id} serves a profile only to a request signed with the key that triggered it.</summary>
    [TestFixture, NonParallelizable]
    [Category(Categories.Integration)]
    public class ProfileEndpointTests
    {
        TestServer server = null!;
        string id = null!;

        [OneTimeSetUp]
        public async Task StartServer()
        {
            server = await TestServer.Start(web => web.MapGet("/work/{steps:int}", (int steps) => RequestProfilingTests.Work(steps)),
                o => o.StoreCapacity = 3);
            id = TestServer.ProfileId(await server.Client.SendAsync(TestServer.Signed(HttpMethod.Get, "/work/1")))!;
        }

        [OneTimeTearDown]
        public async Task StopServer() => await server.DisposeAsync();

        static void AssertNoProfileIn(string body) => Assert.That(body, Does.Not.Contain("asyncprof/1").And.Not.Contain("Web.Step"));

        [Test]
        public async Task An_unsigned_request_gets_no_profile_only_the_apps_own_404()
        {
            var response = await server.Client.GetAsync("/_asyncprof/profiles/" + id);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(response.Headers.Contains(AsyncProfHeaders.Status), Is.False, "unsigned requests never reach the middleware's endpoint");
            AssertNoProfileIn(await response.Content.ReadAsStringAsync());
        }

        [Test]
        public async Task A_request_signed_with_another_key_is_refused()
        {
            var (profile, response) = await server.Fetch(id, TriggerKey.New());
            Assert.That(profile, Is.Null);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(string.Join("", response.Headers.GetValues(AsyncProfHeaders.Status)), Does.Contain("not signed with this server's key"));
            AssertNoProfileIn(await response.Content.ReadAsStringAsync());
        }

        [Test]
        public async Task A_request_signed_for_another_profile_is_refused()
        {
            var request = TestServer.Signed(HttpMethod.Get, "/_asyncprof/profiles/" + id, signedTarget: "/_asyncprof/profiles/0");
            var response = await server.Client.SendAsync(request);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            AssertNoProfileIn(await response.Content.ReadAsStringAsync());
        }

        [Test]
        public async Task A_fetch_token_cannot_be_used_twice()
        {
            var token = TestServer.Token("GET", "/_asyncprof/profiles/" + id);
            var first = await server.Client.SendAsync(TestServer.WithToken("/_asyncprof/profiles/" + id, token));
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            var again = await server.Client.SendAsync(TestServer.WithToken("/_asyncprof/profiles/" + id, token));
            Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            AssertNoProfileIn(await again.Content.ReadAsStringAsync());
        }

        [Test]
        public async Task A_signed_request_for_an_unknown_profile_gets_404_saying_so()
        {
            var (profile, response) = await server.Fetch("0123456789abcdef01234567");
            Assert.That(profile, Is.Null);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(string.Join("", response.Headers.GetValues(AsyncProfHeaders.Status)), Does.Contain("no profile"));
        }

        [Test]
        public async Task The_status_endpoint_tells_a_good_key_from_a_wrong_one()
        {
            var good = await server.Client.SendAsync(TestServer.Signed(HttpMethod.Get, "/_asyncprof/status"));
            Assert.That(good.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            var wrong = await server.Client.SendAsync(TestServer.Signed(HttpMethod.Get, "/_asyncprof/status", TriggerKey.New()));
            Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }

        [Test]
        public async Task A_refusal_names_its_scheme_and_a_wrong_method_the_one_allowed()
        {
            var (_, refused) = await server.Fetch(id, TriggerKey.New());
            Assert.That(refused.Headers.WwwAuthenticate.ToString(), Is.EqualTo("AsyncProf"), "RFC 9110: a 401 names how to authenticate");
            var post = await server.Client.SendAsync(TestServer.Signed(HttpMethod.Post, "/_asyncprof/status"));
            Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
            Assert.That(post.Content.Headers.Allow, Is.EquivalentTo(new[] { "GET" }));
        }

        [Test]
        public async Task The_endpoint_matches_its_path_as_case_insensitively_as_the_middleware_does()
        {
            var status = await server.Client.SendAsync(TestServer.Signed(HttpMethod.Get, "/_AsyncProf/Status"));
            Assert.That(status.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            var (profile, _) = await server.Fetch(id, pathPrefix: "/_ASYNCPROF/PROFILES/");
            Assert.That(profile, Is.Not.Null);
        }

        [TestCase("..%2F..%2Fetc")]
        [TestCase("x%0D%0AX-Injected:%201")]
        [TestCase("caf%C3%A9")]
        public async Task An_id_that_is_not_one_is_refused_without_being_echoed(string id)
        {
            var (profile, response) = await server.Fetch(id);
            Assert.That(profile, Is.Null);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            var reason = string.Join("", response.Headers.GetValues(AsyncProfHeaders.Status));
            Assert.That(reason, Does.Contain("no profile by that id"));
            Assert.That(response.Headers.Contains("X-Injected"), Is.False);
        }

        [Test]
        public async Task The_store_keeps_the_newest_profiles_up_to_its_capacity()
        {
            var ids = new string[4];
            for (var i = 0; i < ids.Length; i++)
                ids[i] = TestServer.ProfileId(await server.Client.SendAsync(TestServer.Signed(HttpMethod.Get, "/work/1")))!;
            Assert.That(server.Service.Store.Count, Is.EqualTo(3));
            Assert.That((await server.Fetch(ids[0])).Response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "the oldest was evicted");
            foreach (var kept in ids[1..])
                Assert.That((await server.Fetch(kept)).Profile, Is.Not.Null);
        }
    }
}
