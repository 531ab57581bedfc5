using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using AsyncProf.AspNetCore;
using AsyncProf.Tests.Reports.Exporters;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.AspNetCore
{
    /// <summary>
    /// SampleRate and the Pyroscope exporter, against a local HTTP endpoint that takes POST /ingest as Pyroscope
    /// does and decodes the pprof it receives (no Pyroscope server can be installed here).
    /// </summary>
    [TestFixture, NonParallelizable]
    [Category(Categories.Integration)]
    public class SamplingExporterTests
    {
        /// <summary>A stand-in for Pyroscope's ingest endpoint: records each upload, answers with the statuses queued.</summary>
        sealed class IngestEndpoint : IAsyncDisposable
        {
            public readonly ConcurrentQueue<(IQueryCollection Query, string? ContentType, byte[] Body)> Uploads = new();
            public readonly ConcurrentQueue<int> Statuses = new();
            public int Attempts;
            public TimeSpan Delay = TimeSpan.Zero;
            readonly WebApplication app;

            IngestEndpoint(WebApplication app) => this.app = app;
            public string Url => app.Urls.First();

            public static async Task<IngestEndpoint> Start()
            {
                var builder = TestServer.Loopback();
                var app = builder.Build();
                var endpoint = new IngestEndpoint(app);
                app.MapPost("/ingest", async (HttpContext c) =>
                {
                    Interlocked.Increment(ref endpoint.Attempts);
                    if (endpoint.Delay > TimeSpan.Zero) await Task.Delay(endpoint.Delay);
                    var status = endpoint.Statuses.TryDequeue(out var s) ? s : 200;
                    using var body = new System.IO.MemoryStream();
                    await c.Request.Body.CopyToAsync(body);
                    if (status == 200) endpoint.Uploads.Enqueue((c.Request.Query, c.Request.ContentType, body.ToArray()));
                    c.Response.StatusCode = status;
                });
                await app.StartAsync();
                return endpoint;
            }

            public async Task WaitFor(Func<bool> condition, string what)
            {
                var watch = Stopwatch.StartNew();
                while (!condition())
                {
                    if (watch.Elapsed > TimeSpan.FromSeconds(30)) Assert.Fail("timed out waiting for " + what);
                    await Task.Delay(20);
                }
            }

            public async ValueTask DisposeAsync()
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }

        static Task<TestServer> Sampling(IngestEndpoint ingest, Action<AsyncProfOptions>? more = null) =>
            TestServer.Start(web => web.MapGet("/work/{steps:int}", (int steps) => RequestProfilingTests.Work(steps)), o =>
            {
                o.SampleRate = 1;
                o.Pyroscope.Url = ingest.Url;
                o.Pyroscope.ApplicationName = "shop";
                o.Pyroscope.Labels["env"] = "test";
                o.Pyroscope.RetryDelay = TimeSpan.FromMilliseconds(50);
                more?.Invoke(o);
            });

        [Test]
        public async Task Sampled_requests_are_pushed_as_pprof_with_their_labels_and_their_responses_are_untouched()
        {
            await using var ingest = await IngestEndpoint.Start();
            await using var server = await Sampling(ingest);
            for (var i = 0; i < 3; i++)
            {
                var response = await server.Client.GetAsync("/work/2");
                Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("2"));
                Assert.That(TestServer.ProfileId(response), Is.Null, "a sampled response names no profile");
                Assert.That(response.Headers.Contains("Server-Timing"), Is.False);
            }
            await ingest.WaitFor(() => ingest.Uploads.Count == 3, "3 uploads");
            Assert.That(server.Service.Store.Count, Is.EqualTo(0), "sampled profiles are not kept for fetching");

            foreach (var (query, contentType, body) in ingest.Uploads)
            {
                Assert.That(query["name"].ToString(), Is.EqualTo("shop{env=test,http_method=GET,http_route=/work/_steps:int_,http_status=200}"));
                Assert.That(query["format"].ToString(), Is.EqualTo("pprof"));
                var from = long.Parse(query["from"]!);
                var until = long.Parse(query["until"]!);
                Assert.That(until, Is.GreaterThan(from));
                Assert.That(Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - from), Is.LessThan(120));
                Assert.That(contentType, Is.EqualTo("application/octet-stream"));

                var p = PprofFormatTests.Decode(body);
                var functionOfLocation = p.Locations.ToDictionary(l => l.Id, l => p.S(p.Functions.Single(f => f.Id == l.Lines[0].FunctionId).Name));
                long CallsOf(string name) => p.Samples.Where(s => functionOfLocation[s.LocationIds[0]] == name).Sum(s => s.Values[0]);
                Assert.That(CallsOf("Web.Step"), Is.EqualTo(2), "the request's own two steps");
                Assert.That(CallsOf("Web.Queued"), Is.EqualTo(1));
                Assert.That(p.Samples.SelectMany(s => s.Labels).Where(l => p.S(l.Key) == "http_route").Select(l => p.S(l.Str)).Distinct(),
                    Is.EqualTo(new[] { "/work/{steps:int}" }), "the pprof's own labels keep the route as it is");
            }
        }

        [Test]
        public async Task A_failed_upload_is_tried_again()
        {
            await using var ingest = await IngestEndpoint.Start();
            ingest.Statuses.Enqueue(503);
            ingest.Statuses.Enqueue(502);
            await using var server = await Sampling(ingest);
            await server.Client.GetAsync("/work/1");
            await ingest.WaitFor(() => server.Service.Exporter!.Sent == 1, "the third attempt");
            Assert.That(ingest.Attempts, Is.EqualTo(3));
            Assert.That(ingest.Uploads, Has.Count.EqualTo(1));
        }

        [Test]
        public async Task A_refused_upload_is_not_repeated_and_one_that_keeps_failing_gives_up()
        {
            await using var ingest = await IngestEndpoint.Start();
            ingest.Statuses.Enqueue(400);
            for (var i = 0; i < 3; i++) ingest.Statuses.Enqueue(500);
            await using var server = await Sampling(ingest);
            await server.Client.GetAsync("/work/1");
            await ingest.WaitFor(() => server.Service.Exporter!.Failed == 1, "the refusal");
            Assert.That(ingest.Attempts, Is.EqualTo(1), "400: refused for good, not tried again");
            await server.Client.GetAsync("/work/1");
            await ingest.WaitFor(() => server.Service.Exporter!.Failed == 2, "the third 500");
            Assert.That(ingest.Attempts, Is.EqualTo(4), "3 attempts (MaxAttempts), then dropped");
            Assert.That(ingest.Uploads, Is.Empty);
        }

        [Test]
        public async Task A_slow_endpoint_never_holds_up_a_request_the_queue_drops_instead()
        {
            await using var ingest = await IngestEndpoint.Start();
            ingest.Delay = TimeSpan.FromSeconds(3);
            await using var server = await Sampling(ingest, o => o.Pyroscope.QueueCapacity = 1);
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < 10; i++)
                Assert.That(await (await server.Client.GetAsync("/work/1")).Content.ReadAsStringAsync(), Is.EqualTo("1"));
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2.5)), "10 requests while one upload takes 3 s");
            var exporter = server.Service.Exporter!;
            Assert.That(exporter.Dropped, Is.GreaterThanOrEqualTo(8), "one being sent, one queued, the rest dropped");
        }

        [Test]
        public void SampleRate_without_an_exporter_stops_the_app_at_startup_with_one_clear_line()
        {
            var e = Assert.ThrowsAsync<InvalidOperationException>(async () =>
            {
                await using var started = await TestServer.Start(web => web.MapGet("/", () => "ok"), o => o.SampleRate = 0.01);
            });
            Assert.That(e!.Message, Does.Contain("AsyncProf:SampleRate needs somewhere to send the profiles"));
            var bad = Assert.ThrowsAsync<InvalidOperationException>(async () =>
            {
                await using var started = await TestServer.Start(web => web.MapGet("/", () => "ok"), o => { o.SampleRate = 0.01; o.Pyroscope.Url = "pyroscope:4040"; });
            });
            Assert.That(bad!.Message, Does.Contain("AsyncProf:Pyroscope:Url: 'pyroscope:4040' is not an http:// or https:// address"));
        }

        [Test]
        public void The_series_name_keeps_to_Pyroscopes_syntax()
        {
            var name = PyroscopeExporter.SeriesName("app", new Dictionary<string, string> { ["region"] = "eu,west" },
                new AsyncProf.Reports.RequestInfo { Method = "POST", Route = "/a/{id}", Status = 404 });
            Assert.That(name, Is.EqualTo("app{region=eu_west,http_method=POST,http_route=/a/_id_,http_status=404}"));
            Assert.That(PyroscopeExporter.SeriesName("app", new Dictionary<string, string>(), null), Is.EqualTo("app"));
        }
    }
}
