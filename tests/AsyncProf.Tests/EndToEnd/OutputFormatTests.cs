using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.Json;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.EndToEnd
{
    /// <summary>
    /// ASYNCPROF_OUTPUT's extension picks the format: a woven app writes speedscope, a Chrome trace (recording the
    /// timeline on its own), pprof or HTML at exit, with no separate conversion step.
    /// </summary>
    [TestFixture, NonParallelizable]
    [Category(Categories.Integration)]
    public class OutputFormatTests
    {
        WovenApp app = null!;

        [OneTimeSetUp]
        public void WeaveSeedApp() => app = SeedSampleApp.Woven;

        string RunWithOutput(string fileName)
        {
            var path = Path.Combine(app.Directory, fileName);
            var run = ProcessRunner.Run("dotnet", new[] { app.MainAssembly, "1" }, app.Directory,
                new Dictionary<string, string?> { ["ASYNCPROF_OUTPUT"] = path });
            Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
            Assert.That(run.StdErr, Does.Not.Contain("asyncprof:"), "the conversion at exit reported a problem");
            Assert.That(File.Exists(path), Is.True, $"{path} was not written\n{run}");
            Assert.That(File.Exists(path + ".asyncprof.json"), Is.False, "the intermediate native profile is removed");
            return path;
        }

        [Test]
        public void A_trace_json_output_records_the_timeline_and_writes_a_chrome_trace()
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(RunWithOutput("profile.trace.json")));
            var events = doc.RootElement.GetProperty("traceEvents").EnumerateArray().ToList();
            var slices = events.Where(e => e.GetProperty("ph").GetString() == "X").Select(e => e.GetProperty("name").GetString()).ToList();
            Assert.That(slices, Does.Contain("SeedApp.Handlers.ParseContents"));
            Assert.That(events.Any(e => e.GetProperty("ph").GetString() == "b" && e.GetProperty("name").GetString() == "SeedApp.Handlers.Home"),
                "Home is an async span covering its suspensions");
        }

        [Test]
        public void A_speedscope_json_output_writes_a_speedscope_file()
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(RunWithOutput("profile.speedscope.json")));
            Assert.That(doc.RootElement.GetProperty("$schema").GetString(), Does.Contain("speedscope"));
            var frames = doc.RootElement.GetProperty("shared").GetProperty("frames").EnumerateArray().Select(f => f.GetProperty("name").GetString());
            Assert.That(frames, Does.Contain("SeedApp.Handlers.Home"));
        }

        [Test]
        public void A_pb_gz_output_writes_gzipped_pprof()
        {
            var path = RunWithOutput("profile.pb.gz");
            using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
            using var raw = new MemoryStream();
            gz.CopyTo(raw);
            Assert.That(raw.Length, Is.GreaterThan(100));
            Assert.That(System.Text.Encoding.UTF8.GetString(raw.ToArray()), Does.Contain("SeedApp.Handlers.FetchFromDbSync"));
        }

        [Test]
        public void An_html_output_writes_the_self_contained_report()
        {
            var html = File.ReadAllText(RunWithOutput("profile.html"));
            Assert.That(html, Does.StartWith("<!DOCTYPE html>").IgnoreCase);
            Assert.That(html, Does.Contain("SeedApp.Handlers.Home"));
        }
    }
}
