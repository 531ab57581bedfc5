using System;
using System.IO;
using System.Text.Json;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Cli
{
    /// <summary>`asyncprof report` choosing formats and text views, run as the real tool.</summary>
    [TestFixture]
    [Category(Categories.Integration)]
    public class ReportFormatCliTests
    {
        // a profile with a timeline, so every format applies
        static readonly string Profile = Path.Combine(RepoPaths.Root, "tests", "AsyncProf.Tests", "Reports", "Exporters", "Data", "async-resume.json");

        static string Scratch(string name)
        {
            var dir = Path.Combine(RepoPaths.Scratch, "report-cli", Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(dir);
            return Path.Combine(dir, name);
        }

        [TestCase("profile.speedscope.json")]
        [TestCase("profile.trace.json")]
        [TestCase("profile.html")]
        [TestCase("callgrind.out.1")]
        [TestCase("profile.folded")]
        public void The_output_extension_picks_the_format(string fileName)
        {
            var output = Scratch(fileName);
            var run = CliRunner.Run("report", Profile, "-o", output);
            Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
            Assert.That(new FileInfo(output).Length, Is.GreaterThan(0));
            if (fileName.EndsWith(".json")) Assert.DoesNotThrow(() => JsonDocument.Parse(File.ReadAllText(output)));
        }

        [Test]
        public void A_format_without_output_goes_beside_the_profile_copy()
        {
            var copy = Scratch("p.json");
            File.Copy(Profile, copy);
            var run = CliRunner.Run("report", copy, "--format", "pprof");
            Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
            Assert.That(File.Exists(Path.ChangeExtension(copy, null) + ".pb.gz"), Is.True, run.ToString());
        }

        [Test]
        public void Tree_and_callers_views_print_on_the_terminal()
        {
            var tree = CliRunner.Run("report", Profile, "--tree", "--metric", "cpu");
            Assert.That(tree.ExitCode, Is.EqualTo(0), tree.ToString());
            Assert.That(tree.StdOut, Does.Contain("Svc.Program.Main").And.Contain("  Svc.Client.GetAsync"));

            var callers = CliRunner.Run("report", Profile, "--callers", "Svc.Client.GetAsync");
            Assert.That(callers.ExitCode, Is.EqualTo(0), callers.ToString());
            Assert.That(callers.StdOut, Does.Contain("callers of Svc.Client.GetAsync").And.Contain("Svc.Program.Main"));
        }

        [Test]
        public void Unknown_formats_and_misplaced_options_are_usage_errors()
        {
            Assert.That(CliRunner.Run("report", Profile, "--format", "nope").ExitCode, Is.EqualTo(2));
            Assert.That(CliRunner.Run("report", Profile, "-o", Scratch("x.unknown")).ExitCode, Is.EqualTo(2));
            Assert.That(CliRunner.Run("report", Profile, "--format", "pprof", "--tree").ExitCode, Is.EqualTo(2));
        }

        [Test]
        public void A_chrome_trace_of_a_profile_without_timeline_is_a_one_line_input_error()
        {
            var noTimeline = Scratch("plain.json");
            var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Profile))!.AsObject();
            json.Remove("timeline");
            File.WriteAllText(noTimeline, json.ToJsonString());
            var run = CliRunner.Run("report", noTimeline, "--format", "chrome", "-o", Scratch("t.trace.json"));
            Assert.That(run.ExitCode, Is.EqualTo(1), run.ToString());
            Assert.That(CliRunner.Lines(run.StdErr), Has.Count.EqualTo(1));
            Assert.That(run.StdErr, Does.Contain("ASYNCPROF_TIMELINE=1"));
        }

        [Test]
        public void Callers_of_an_unknown_function_is_a_one_line_input_error()
        {
            var run = CliRunner.Run("report", Profile, "--callers", "No.Such.Function");
            Assert.That(run.ExitCode, Is.EqualTo(1), run.ToString());
            Assert.That(CliRunner.Lines(run.StdErr), Has.Count.EqualTo(1));
        }
    }
}
