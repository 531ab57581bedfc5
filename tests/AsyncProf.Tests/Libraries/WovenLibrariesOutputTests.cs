using System.Linq;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Libraries
{
    /// <summary>The libraries' DLLs woven as shipped still do their job: the woven app prints exactly what the plain one prints.</summary>
    [TestFixture, NonParallelizable]
    [Category(Categories.Integration)]
    public class WovenLibrariesOutputTests
    {
        [Test]
        public void WeavingTheOutputFolderWeavesTheAppAndEveryLibrary()
        {
            var weave = LibraryWorkloadRun.Shared.Weave;
            var lines = CliRunner.Lines(weave.StdOut);
            Assert.Multiple(() =>
            {
                foreach (var assembly in LibraryWorkloadRun.WovenAssemblies)
                {
                    Assert.That(lines.Any(l => l.Contains("/" + assembly + ".dll: wove ")), Is.True, $"{assembly}.dll was not woven\n{weave}");
                }
                Assert.That(lines.Where(l => l.StartsWith("skipped ")), Is.Empty, "every DLL of the folder is weavable\n" + weave);
            });
        }

        [Test]
        public void WovenRunPrintsExactlyWhatThePlainRunPrints()
        {
            var run = LibraryWorkloadRun.Shared;
            var plain = CliRunner.Lines(run.Plain.StdOut);
            Assert.That(plain.LastOrDefault(), Is.EqualTo("workload: done"), "the plain workload did not finish\n" + run.Plain);
            Assert.That(CliRunner.Lines(run.Woven.StdOut), Is.EqualTo(plain), "woven stdout differs from plain stdout\n" + run.Woven);
        }

        [Test]
        public void WovenRunRecordedWithoutError()
        {
            var error = LibraryWorkloadRun.Shared.Profile.RootElement.GetProperty("process").GetProperty("error");
            Assert.That(error.ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null), "the recorder stopped early: " + error);
        }
    }
}
