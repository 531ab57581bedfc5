using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using AsyncProf.Reports;
using AsyncProf.Reports.Exporters;
using AsyncProf.Tests.Reports.Exporters;
using Microsoft.AspNetCore.Builder;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.AspNetCore
{
    /// <summary>
    /// A profiled request's context in its profile: method, path, route template, status, duration and the W3C
    /// trace id of its Activity, in the JSON's <c>request</c> object and as pprof labels.
    /// </summary>
    [TestFixture, NonParallelizable]
    [Category(Categories.Integration)]
    public class RequestContextTests
    {
        TestServer server = null!;
        ActivityListener listener = null!;

        [OneTimeSetUp]
        public async Task StartServer()
        {
            // ASP.NET Core starts a request Activity when someone listens (a tracing SDK would)
            listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            };
            ActivitySource.AddActivityListener(listener);
            server = await TestServer.Start(web =>
            {
                web.MapGet("/work/{steps:int}", (int steps) => RequestProfilingTests.Work(steps));
                web.MapPost("/created", () => Microsoft.AspNetCore.Http.Results.StatusCode(201));
            });
        }

        [OneTimeTearDown]
        public async Task StopServer()
        {
            await server.DisposeAsync();
            listener.Dispose();
        }

        [Test]
        public async Task The_profile_records_the_request_and_the_trace_id_it_came_with()
        {
            var traceId = ActivityTraceId.CreateRandom().ToHexString();
            var request = TestServer.Signed(HttpMethod.Get, "/work/3?secret=1");
            request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
            var response = await server.Client.SendAsync(request);
            var (file, _) = await server.Fetch(TestServer.ProfileId(response)!);

            var r = file!.RootElement.GetProperty("request");
            Assert.That(r.GetProperty("method").GetString(), Is.EqualTo("GET"));
            Assert.That(r.GetProperty("path").GetString(), Is.EqualTo("/work/3"), "the path, never the query");
            Assert.That(r.GetProperty("route").GetString(), Is.EqualTo("/work/{steps:int}"));
            Assert.That(r.GetProperty("status").GetInt32(), Is.EqualTo(200));
            Assert.That(r.GetProperty("durationNs").GetInt64(), Is.GreaterThan(0));
            Assert.That(r.GetProperty("traceId").GetString(), Is.EqualTo(traceId));
            Assert.That(r.GetProperty("profileId").GetString(), Is.EqualTo(TestServer.ProfileId(response)));

            // asyncprof/1 readers take it (an added field), and the pprof export labels every sample with it
            var profile = ProfileReader.Load(file.Path);
            Assert.That(profile.Request!.TraceId, Is.EqualTo(traceId));
            Assert.That(profile.Request.ToString(), Does.StartWith("GET /work/3 (/work/{steps:int}) -> 200 in "));
            using var pb = new MemoryStream();
            new PprofExporter().Export(profile, pb);
            var p = PprofFormatTests.Decode(pb.ToArray());
            Assert.That(p.Samples, Is.Not.Empty);
            foreach (var s in p.Samples)
            {
                string? Label(string key) => s.Labels.Where(l => p.S(l.Key) == key).Select(l => p.S(l.Str)).SingleOrDefault();
                Assert.That(Label("trace_id"), Is.EqualTo(traceId));
                Assert.That(Label("http_method"), Is.EqualTo("GET"));
                Assert.That(Label("http_route"), Is.EqualTo("/work/{steps:int}"));
                Assert.That(s.Labels.Single(l => p.S(l.Key) == "http_status").Num, Is.EqualTo(200));
            }

            // and the native export keeps it
            using var json = new MemoryStream();
            new NativeJsonExporter().Export(profile, json);
            var again = Path.Combine(Path.GetDirectoryName(file.Path)!, "again-" + Path.GetFileName(file.Path));
            File.WriteAllBytes(again, json.ToArray());
            Assert.That(ProfileReader.Load(again).Request!.Route, Is.EqualTo("/work/{steps:int}"));
        }

        [Test]
        public async Task Status_and_method_are_the_responses_and_the_requests()
        {
            var response = await server.Client.SendAsync(TestServer.Signed(HttpMethod.Post, "/created"));
            Assert.That((int)response.StatusCode, Is.EqualTo(201));
            var (file, _) = await server.Fetch(TestServer.ProfileId(response)!);
            var r = file!.RootElement.GetProperty("request");
            Assert.That(r.GetProperty("method").GetString(), Is.EqualTo("POST"));
            Assert.That(r.GetProperty("status").GetInt32(), Is.EqualTo(201));
        }

        [Test]
        public void A_profile_without_a_request_and_one_with_a_damaged_trace_id_read_as_they_should()
        {
            var dir = Path.Combine(Infrastructure.RepoPaths.Scratch, "request-context");
            Directory.CreateDirectory(dir);
            const string body = "\"process\":{},\"functions\":[],\"edges\":[],\"tree\":[]";
            var plain = Path.Combine(dir, "plain.json");
            File.WriteAllText(plain, "{\"schema\":\"asyncprof/1\"," + body + "}");
            Assert.That(ProfileReader.Load(plain).Request, Is.Null, "files written before the field existed");
            var damaged = Path.Combine(dir, "damaged.json");
            File.WriteAllText(damaged, "{\"schema\":\"asyncprof/1\"," + body + ",\"request\":{\"traceId\":\"xyz\"}}");
            var e = Assert.Throws<ProfileFormatException>(() => ProfileReader.Load(damaged));
            Assert.That(e!.Message, Does.Contain("request.traceId: not a W3C trace id"));
        }
    }
}
