using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using AsyncProf.AspNetCore;
using Microsoft.AspNetCore.Builder;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.AspNetCore
{
    /// <summary>
    /// The limits of a production server: how many requests are profiled at once, for how long, how large a profile
    /// may grow, and the Server-Timing summary of a profiled response.
    /// </summary>
    [TestFixture, NonParallelizable]
    [Category(Categories.Integration)]
    public class ProfilingLimitsTests
    {
        const int MaxConcurrent = 2, Extra = 5;

        [Test]
        public async Task Of_N_plus_5_simultaneous_triggered_requests_N_are_profiled_and_the_rest_served_normally()
        {
            var arrived = 0;
            var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await using var server = await TestServer.Start(web => web.MapGet("/gate", async () =>
            {
                // every request is inside the pipeline (profiled or not) before any of them ends
                if (Interlocked.Increment(ref arrived) == MaxConcurrent + Extra) all.TrySetResult();
                await all.Task.WaitAsync(TimeSpan.FromSeconds(30));
                RequestProfilingTests.Call(0);
                return "done";
            }), o => o.MaxConcurrentProfiles = MaxConcurrent);

            var responses = await Task.WhenAll(Enumerable.Range(0, MaxConcurrent + Extra)
                .Select(_ => server.Client.SendAsync(TestServer.Signed(HttpMethod.Get, "/gate"))));

            Assert.That(responses.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.OK));
            foreach (var r in responses) Assert.That(await r.Content.ReadAsStringAsync(), Is.EqualTo("done"));
            var profiled = responses.Where(r => TestServer.ProfileId(r) != null).ToList();
            Assert.That(profiled, Has.Count.EqualTo(MaxConcurrent));
            var busy = responses.Where(r => TestServer.ProfileId(r) == null).ToList();
            Assert.That(busy.Select(r => string.Join("", r.Headers.GetValues(AsyncProfHeaders.Status))), Has.All.StartWith("busy: 2 requests"));
            Assert.That(server.Service.Store.Count, Is.EqualTo(MaxConcurrent));
            foreach (var r in profiled)
                Assert.That((await server.Fetch(TestServer.ProfileId(r)!)).Profile!.Function("Web.Step").Calls, Is.EqualTo(1), "each profile is its own request's");
            Assert.That(server.Service.Profiling, Is.EqualTo(0), "every place is given back");
        }

        [Test]
        public async Task A_request_longer_than_MaxDuration_stops_recording_and_its_profile_says_so()
        {
            await using var server = await TestServer.Start(web => web.MapGet("/slow", async () =>
            {
                RequestProfilingTests.Call(0);
                await Task.Delay(1500);
                RequestProfilingTests.Call(0); // after the limit: not recorded
                return "slow";
            }), o => o.MaxDuration = TimeSpan.FromMilliseconds(300));

            var response = await server.Client.SendAsync(TestServer.Signed(HttpMethod.Get, "/slow"));
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("slow"));
            var (p, _) = await server.Fetch(TestServer.ProfileId(response)!);
            Assert.That(p!.Function("Web.Step").Calls, Is.EqualTo(1), "the call before the limit only");
            Assert.That(p.RootElement.GetProperty("process").GetProperty("error").GetString(), Does.Contain("MaxDuration (0.3 s)"));
            Assert.That(p.RootElement.GetProperty("process").GetProperty("durationNs").GetInt64(), Is.LessThan(1_200_000_000L), "recording ended near the limit");
        }

        [Test]
        public async Task A_profile_larger_than_MaxProfileBytes_is_dropped_and_its_fetch_says_why()
        {
            await using var server = await TestServer.Start(web => web.MapGet("/work/{steps:int}", (int steps) => RequestProfilingTests.Work(steps)),
                o => o.MaxProfileBytes = 200);
            var response = await server.Client.SendAsync(TestServer.Signed(HttpMethod.Get, "/work/2"));
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("2"), "the request is served all the same");
            var (p, fetch) = await server.Fetch(TestServer.ProfileId(response)!);
            Assert.That(p, Is.Null);
            Assert.That(fetch.StatusCode, Is.EqualTo(HttpStatusCode.Gone));
            Assert.That(string.Join("", fetch.Headers.GetValues(AsyncProfHeaders.Status)), Does.Match("has [0-9]+ bytes, more than MaxProfileBytes \\(200\\)"));
            Assert.That(server.Service.Store.Bytes, Is.EqualTo(0));
        }

        [Test]
        public async Task A_profiled_response_carries_Server_Timing_with_wall_CPU_and_allocations()
        {
            await using var server = await TestServer.Start(web => web.MapGet("/alloc", () =>
            {
                var token = Probe.Active ? Probe.Enter(RequestProfilingTests.Base) : 0;
                var kept = new byte[1 << 20];
                Probe.Exit(token);
                return kept.Length.ToString();
            }));
            var profiled = await server.Client.SendAsync(TestServer.Signed(HttpMethod.Get, "/alloc"));
            var timing = string.Join(", ", profiled.Headers.GetValues("Server-Timing"));
            var wall = Regex.Match(timing, @"asyncprof-wall;dur=([0-9.]+)");
            var alloc = Regex.Match(timing, "asyncprof-alloc;desc=\"([0-9]+) bytes allocated\"");
            Assert.That(wall.Success && Regex.IsMatch(timing, @"asyncprof-cpu;dur=[0-9.]+") && alloc.Success, timing);
            Assert.That(double.Parse(wall.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), Is.GreaterThan(0));
            Assert.That(long.Parse(alloc.Groups[1].Value), Is.GreaterThanOrEqualTo(1L << 20), "the 1 MiB the profiled call allocated");

            var plain = await server.Client.GetAsync("/alloc");
            Assert.That(plain.Headers.Contains("Server-Timing"), Is.False, "only profiled responses carry it");
        }
    }
}
