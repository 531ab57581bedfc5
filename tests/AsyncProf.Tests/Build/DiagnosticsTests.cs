using System.IO;
using System.Linq;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Build
{
    /// <summary>
    /// A real problem in a profiling build fails it with one clear error (code, file, one line), never a stack trace,
    /// and leaves no woven copy behind; an ordinary build of the same project is not affected.
    /// </summary>
    [TestFixture, NonParallelizable]
    [Category(Categories.Integration)]
    public class DiagnosticsTests
    {
        [Test]
        public void Weaving_a_reference_only_build_fails_with_one_clear_error()
        {
            // A metadata-only compilation has no method bodies: the weaver must refuse it, not write something broken.
            var sample = Samples.Console("msbuild-refonly", Samples.MSBuildReference, "    <ProduceOnlyReferenceAssembly>true</ProduceOnlyReferenceAssembly>");
            var build = sample.BuildExpectingFailure("Debug", "-p:Profile=true");

            var errors = build.Log.Errors();
            Assert.That(errors, Has.Count.EqualTo(1), string.Join("\n", errors.Select(e => e.ToString())));
            var error = errors[0];
            Assert.That(error.Code, Is.EqualTo("ASYNCPROF001"));
            Assert.That(Path.GetFileName(error.File), Is.EqualTo("ConsoleSample.dll"), "the error names the assembly");
            Assert.That(error.Text, Does.StartWith("AsyncProf: ").And.Contain("reference assembly"));
            Assert.That(error.Text, Does.Not.Contain("\n"), "one line");
            Assert.That(build.Process.Output, Does.Contain("error ASYNCPROF001"));
            Assert.That(build.Process.Output, Does.Not.Contain("   at "), "no stack trace");
            Assert.That(build.Process.Output, Does.Not.Contain("Exception:"), "no exception dump");
            Assert.That(File.Exists(Path.Combine(sample.IntermediateFolder("Debug"), "asyncprof", "ConsoleSample.dll")), Is.False,
                "no woven copy left behind");

            // The same project without Profile builds as it always did.
            var plain = sample.Build("Debug");
            Assert.That(plain.Log.Errors(), Is.Empty);
        }

        [Test]
        public void Both_packages_in_one_project_weave_once_and_say_so()
        {
            var sample = Samples.Console("both-packages", Samples.MSBuildReference + "\n" + Samples.FodyReference);
            File.WriteAllText(sample.PathOf("ConsoleSample/FodyWeavers.xml"), "<Weavers>\n  <AsyncProf />\n</Weavers>\n");
            var build = sample.Build("Debug", "-p:Profile=true", "-p:AsyncProfAll=true");

            var warning = build.Log.Warnings("ASYNCPROF004").SingleOrDefault();
            Assert.That(warning?.Text, Does.Contain("references both AsyncProf.MSBuild and AsyncProf.Fody"));
            Assert.That(build.Log.NeverStarted("AsyncProfWeave"), "the MSBuild package stands aside");
            Assert.That(build.Log.Messages("Fody/AsyncProf: AsyncProf: wove "), Has.Count.EqualTo(1), "woven once, by Fody");
            var (_, profile) = sample.RunBuilt(Path.Combine(sample.OutputFolder("Debug"), "ConsoleSample.dll"));
            Samples.AssertConsoleProfile(profile!, squareWoven: true); // Fody read AsyncProfAll from its settings file
        }
    }
}
