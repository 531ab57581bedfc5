using System;
using System.IO;
using System.Linq;
using AsyncProf.Reports;
using AsyncProf.Reports.Exporters;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;
using static AsyncProf.Tests.Reports.Diff.SyntheticProfiles;

namespace AsyncProf.Tests.Cli
{
    /// <summary><c>asyncprof diff</c> run as a process on profiles written from code: output, exit codes, one-line errors.</summary>
    [TestFixture]
    [Category(Categories.Integration)]
    public class DiffCliTests
    {
        string _dir = null!;
        string _before = null!, _after = null!;

        [SetUp]
        public void WriteProfiles()
        {
            _dir = Path.Combine(RepoPaths.Scratch, "work", "diff-cli-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(_dir);
            _before = Write(Pipeline("before", transformMs: 30, saveMs: 60), "before.json");
            _after = Write(Pipeline("after", transformMs: 330, saveMs: 75), "after.json");
        }

        string Write(Profile p, string name)
        {
            var path = Path.Combine(_dir, name);
            using (var file = File.Create(path)) new NativeJsonExporter().Export(p, file);
            return path;
        }

        static void AssertOneErrorLine(ProcessResult r, int exitCode, params string[] mentions)
        {
            TestContext.Out.WriteLine(r);
            Assert.That(r.ExitCode, Is.EqualTo(exitCode), r.ToString());
            var lines = CliRunner.Lines(r.StdErr);
            Assert.That(lines, Has.Count.EqualTo(1), "one line on stderr");
            Assert.That(lines[0], Does.StartWith("asyncprof: "));
            foreach (var m in mentions) Assert.That(lines[0], Does.Contain(m));
        }

        [Test]
        public void Prints_the_comparison_and_exits_0()
        {
            var r = CliRunner.Run("diff", _before, _after);
            Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
            var lines = CliRunner.Lines(r.StdOut);
            var header = lines.ToList().FindIndex(l => l.StartsWith("functions:"));
            Assert.That(lines[header + 2], Does.StartWith("Transform "), r.StdOut);
            Assert.That(r.StdErr, Is.Empty);
        }

        [Test]
        public void Fail_over_exits_4_naming_the_regressed_functions()
        {
            var r = CliRunner.Run("diff", _before, _after, "--fail-over", "50");
            AssertOneErrorLine(r, 4, "wall time regressed by more than 50% in 1 function: Transform (+300.0 ms, +1000.0%)");
            Assert.That(r.StdOut, Does.Contain("functions:"), "the report is still printed");

            var two = CliRunner.Run("diff", _before, _after, "--fail-over", "20");
            AssertOneErrorLine(two, 4, "in 2 functions: Transform (+300.0 ms, +1000.0%), Save (+15.0 ms, +25.0%)");

            Assert.That(CliRunner.Run("diff", _before, _after, "--fail-over", "2000").ExitCode, Is.EqualTo(0));
            Assert.That(CliRunner.Run("diff", _after, _before, "--fail-over", "0").ExitCode, Is.EqualTo(0), "the other way round everything shrank");
        }

        [Test]
        public void Writes_the_html_or_the_text_to_a_file()
        {
            var html = Path.Combine(_dir, "diff.html");
            var r = CliRunner.Run("diff", _before, _after, "-o", html);
            Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
            Assert.That(r.StdOut.Trim(), Is.EqualTo($"wrote {html} (html)"));
            var page = File.ReadAllText(html);
            Assert.That(page, Does.StartWith("<!DOCTYPE html>").And.Contain("id=\"diff-data\"").And.Contain("\"name\":\"Transform\""));

            var txt = Path.Combine(_dir, "diff.txt");
            Assert.That(CliRunner.Run("diff", _before, _after, "-o", txt, "--metric", "cpu").ExitCode, Is.EqualTo(0));
            Assert.That(File.ReadAllText(txt), Does.Contain("sorted by change of CPU time"));
            Assert.That(Directory.GetFiles(_dir, "*.tmp-*"), Is.Empty, "no temporary file left");
        }

        [Test]
        public void A_missing_or_damaged_profile_is_one_line_naming_the_file()
        {
            var missing = Path.Combine(_dir, "nope.json");
            AssertOneErrorLine(CliRunner.Run("diff", _before, missing), 1, missing, "no such file");

            var damaged = Path.Combine(_dir, "damaged.json");
            File.WriteAllText(damaged, File.ReadAllText(_after).Substring(0, 200));
            AssertOneErrorLine(CliRunner.Run("diff", damaged, _after), 1, damaged, "not valid JSON");

            var notProfile = Path.Combine(_dir, "other.json");
            File.WriteAllText(notProfile, "{\"hello\": 1}");
            AssertOneErrorLine(CliRunner.Run("diff", _before, notProfile), 1, notProfile, "not an asyncprof profile");
        }

        [Test]
        public void A_wrong_command_line_is_a_usage_error()
        {
            AssertOneErrorLine(CliRunner.Run("diff", _before), 2, "diff compares two profiles");
            AssertOneErrorLine(CliRunner.Run("diff", _before, _after, "--metric", "speed"), 2, "--metric speed");
            AssertOneErrorLine(CliRunner.Run("diff", _before, _after, "--fail-over", "lots"), 2, "--fail-over lots");
            AssertOneErrorLine(CliRunner.Run("diff", _before, _after, "--min-share", "5"), 2, "--min-share only applies with --fail-over");
            var help = CliRunner.Run("diff", "--help");
            Assert.That(help.StdOut, Does.Contain("usage: asyncprof diff <before.json> <after.json>"));
        }
    }
}
