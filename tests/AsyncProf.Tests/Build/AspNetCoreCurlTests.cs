using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using AsyncProf.AspNetCore;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Build
{
    /// <summary>
    /// The whole way a user takes: the sample web app with the AsyncProf.AspNetCore package (AddAsyncProf,
    /// UseAsyncProf) and AsyncProf.MSBuild, both from the packed packages, built woven (-p:Profile=true), run on
    /// loopback with its key in AsyncProf__Key, kept busy by concurrent clients; one request sent with the real
    /// `asyncprof curl` comes back with a profile of that request alone.
    /// </summary>
    [TestFixture, NonParallelizable]
    [Category(Categories.Integration)]
    public class AspNetCoreCurlTests
    {
        const int LoadClients = 4;

        [Test]
        public async Task Asyncprof_curl_profiles_one_request_of_a_woven_server_under_load_alone()
        {
            var sample = SampleProject.Create("aspnet-curl", Samples.WebSolution,
                new Dictionary<string, string> { ["PACKAGES"] = Samples.MSBuildReference }, "AspNet", "AspNetProfiled");
            sample.Build("Release", "-p:Profile=true");
            var bin = sample.OutputFolder("Release", "Shop.Web");
            Assert.That(File.Exists(Path.Combine(bin, "AsyncProf.AspNetCore.dll")), "the middleware comes from its package");
            Assert.That(new AssemblyFacts(Path.Combine(bin, "Shop.Web.dll")).ReferencesAsyncProf, "the app is woven");

            var key = TriggerKey.New();
            var keyFile = sample.PathOf("asyncprof.key");
            File.WriteAllText(keyFile, key.ToKeyText() + "\n");
            var profilePath = sample.PathOf("curl-profile.json");
            using var server = new ServerProcess(Path.Combine(bin, "Shop.Web.dll"), new Dictionary<string, string?> { ["AsyncProf__Key"] = key.ToKeyText() });
            var address = server.WaitUntilListening(TimeSpan.FromSeconds(60));
            using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
            Assert.That(await http.GetStringAsync("/orders/1"), Does.Contain("\"id\":1"), "the server serves");

            // bounded load: a few clients in a loop until curl is done (60 s at most)
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var served = 0;
            var load = Enumerable.Range(0, LoadClients).Select(c => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    try { using var r = await http.GetAsync($"/orders/{100 + c * 1000 + i % 500}", stop.Token); r.EnsureSuccessStatusCode(); }
                    catch (OperationCanceledException) { break; }
                    Interlocked.Increment(ref served);
                }
            })).ToList();
            while (Volatile.Read(ref served) < 20) await Task.Delay(10); // the load is running before curl starts
            // a request takes a fraction of a second: on a loaded machine it can end before another one does, so
            // up to three are sent, each a new trigger, until one overlapped the load (its profile is checked below)
            ProcessResult curl;
            int during;
            var watch = Stopwatch.StartNew();
            var attempt = 0;
            do
            {
                var before = Volatile.Read(ref served);
                watch.Restart();
                curl = await Task.Run(() => CliRunner.Run(new[] { "curl", address + "/orders/42", "--key-file", keyFile, "-o", profilePath }, sample.Folder));
                during = Volatile.Read(ref served) - before;
            } while (++attempt < 3 && during == 0 && curl.ExitCode == 0);
            stop.Cancel();
            await Task.WhenAll(load);
            TestContext.Progress.WriteLine($"  curl took {watch.Elapsed.TotalSeconds:F1} s while {during} concurrent requests were served");

            Assert.That(curl.ExitCode, Is.EqualTo(0), curl + "\n" + server.Output);
            Assert.That(CliRunner.Lines(curl.StdOut)[0], Is.EqualTo("HTTP 200 OK"));
            Assert.That(during, Is.GreaterThan(0), "other requests were served while the profiled one ran");

            var profile = ProfileFile.Load(profilePath);
            Assert.That(profile.Function("Shop.Web.Endpoints.GetOrderAsync").Calls, Is.EqualTo(1), "its handler, once");
            Assert.That(profile.Function("Shop.Core.OrderService.GetAsync").Calls, Is.EqualTo(1));
            Assert.That(profile.Function("Shop.Core.OrderService.Price").Calls, Is.EqualTo(1), "work it queued to the pool");
            foreach (var f in profile.Functions)
                Assert.That(f.Calls + f.InFlight, Is.EqualTo(1), $"{f.Name}: one call, none of the concurrent requests'");
            Assert.That(profile.Edge("Shop.Web.Endpoints.GetOrderAsync", "Shop.Core.OrderService.GetAsync")?.Calls, Is.EqualTo(1));

            using (var shutdown = await http.PostAsync("/shutdown", null)) Assert.That((int)shutdown.StatusCode, Is.EqualTo(200));
            Assert.That(server.WaitForExit(TimeSpan.FromSeconds(30)), Is.EqualTo(0), server.Output);
        }
    }
}
