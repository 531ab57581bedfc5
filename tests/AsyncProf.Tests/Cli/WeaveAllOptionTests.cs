using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using AsyncProf.Tests.Infrastructure;
using AsyncProf.Tests.Weaver;
using AsyncProf.Tests.Weaver.Discovery;
using NUnit.Framework;

namespace AsyncProf.Tests.Cli
{
    /// <summary>
    /// <c>asyncprof weave --all</c> on the selection samples (tests/Fixtures/WeaverSamples/SelectionSamples.cs, alone in an assembly): the
    /// summary line says what was left out and why, and --all weaves the trivial and AggressiveInlining methods too.
    /// </summary>
    [TestFixture]
    [Category(Categories.Integration)]
    public class WeaveAllOptionTests
    {
        string _dll = null!;

        [OneTimeSetUp]
        public void WriteSamples() => _dll = WeaveSelectionTests.SamplesAssembly(WeaverTestFiles.NewFolder("cli-all"));

        static Match Summary(ProcessResult r)
        {
            Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
            var line = CliRunner.Lines(r.StdOut).Single(l => l.Contains("Selection.dll: ") && l.Contains("wove "));
            var match = Regex.Match(line, @"wove (\d+) methods \(.*\), left out (\d+) \((\d+) trivial, (\d+) aggressive-inlining, (\d+) compiler-generated\), skipped 0, in \d+ ms");
            Assert.That(match.Success, line);
            return match;
        }

        static int Group(Match m, int i) => int.Parse(m.Groups[i].Value);

        [Test]
        public void All_weaves_what_the_default_leaves_out_and_the_summary_says_so()
        {
            var byDefault = Summary(CliRunner.Run("weave", _dll, "--output", Path.Combine(Path.GetDirectoryName(_dll)!, "default")));
            var all = Summary(CliRunner.Run("weave", _dll, "--all", "--output", Path.Combine(Path.GetDirectoryName(_dll)!, "all")));

            Assert.That((Group(byDefault, 3), Group(byDefault, 4)), Is.EqualTo((4, 1)), byDefault.Value);
            Assert.That((Group(all, 3), Group(all, 4)), Is.EqualTo((0, 0)), all.Value);
            Assert.That(Group(all, 1), Is.EqualTo(Group(byDefault, 1) + 5), "the 4 trivial and the AggressiveInlining one are woven");
            Assert.That(Group(all, 5), Is.EqualTo(Group(byDefault, 5)).And.GreaterThan(0), "plumbing is left out either way");
            Assert.That(Group(byDefault, 2), Is.EqualTo(Group(byDefault, 3) + Group(byDefault, 4) + Group(byDefault, 5)));
        }

        [Test]
        public void Help_describes_all()
        {
            var r = CliRunner.Run("weave", "--help");
            Assert.That(r.StdOut + r.StdErr, Does.Contain("--all").And.Contain("AggressiveInlining"));
        }
    }
}
