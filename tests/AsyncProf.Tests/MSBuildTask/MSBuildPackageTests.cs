using System;
using System.IO;
using System.Linq;
using AsyncProf.Tests.Build;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.MSBuildTask
{
    /// <summary>
    /// AsyncProf.MSBuild consumed as a user would (one PackageReference), a console app in Debug: Profile toggled on
    /// an incremental build, the woven output run, stack traces through woven code.
    /// </summary>
    [TestFixture, NonParallelizable]
    [Category(Categories.Integration)]
    public class MSBuildPackageTests
    {
        const string Config = "Debug";
        SampleProject sample = null!;

        string Bin => sample.OutputFolder(Config);
        string Obj => sample.IntermediateFolder(Config);
        string App => Path.Combine(Bin, "ConsoleSample.dll");
        string Deps => Path.Combine(Bin, "ConsoleSample.deps.json");

        [OneTimeSetUp]
        public void Generate() => sample = Samples.Console("msbuild-console-debug", Samples.MSBuildReference);

        [Test, Order(1)]
        public void Toggling_Profile_without_a_clean_gives_every_build_the_outputs_of_its_setting()
        {
            // 1. An ordinary build: our settings target runs, the weaving target never starts, the compiler's output
            //    is copied untouched, and nothing of AsyncProf is in the output.
            var plain = sample.Build(Config);
            Assert.That(plain.Log.Ran("AsyncProfSettings"), "the settings target runs in every build");
            Assert.That(plain.Log.NeverStarted("AsyncProfWeave"), "no weaving without Profile=true");
            Assert.That(plain.Log.Tasks("WeaveAssembly"), Is.Empty);
            Assert.That(plain.Log.Messages("not weaving (Profile is not true)"), Is.Not.Empty);
            AssertOrdinaryOutput();
            var ordinaryBytes = File.ReadAllBytes(App);
            var noProfile = sample.RunBuilt(App);
            Assert.That(noProfile.Process.StdOut, Does.Contain("total 6"));
            Assert.That(noProfile.Profile, Is.Null, "an ordinary build writes no profile, ASYNCPROF_OUTPUT or not");

            // 2. -p:Profile=true on the same obj/: nothing recompiles, the assembly is woven into a copy, and the copy,
            //    the runtime and a deps.json naming it reach bin/.
            var profiled = sample.Build(Config, "-p:Profile=true");
            Assert.That(profiled.Log.SkippedUpToDate("CoreCompile"), "flipping Profile recompiles nothing");
            Assert.That(profiled.Log.Ran("AsyncProfWeave"), "weaving ran");
            var weave = profiled.Log.Tasks("WeaveAssembly").Single();
            var report = weave.GetMessages().Select(m => m.Text).Single(t => t.StartsWith("AsyncProf: ConsoleSample: wove ", StringComparison.Ordinal));
            Assert.That(report, Does.Match(@"AsyncProf: ConsoleSample: wove \d+ methods \(\d+ sync, \d+ task-returning, [1-9]\d* async, .*\), left out [1-9]\d* \([1-9]\d* trivial, .*\), skipped 1, in \d+ ms"),
                "count and time reported at normal verbosity");
            Assert.That(profiled.Process.StdOut, Does.Contain("AsyncProf: ConsoleSample: wove "), "shown at -v:n");
            AssertSkipWarning(profiled.Log);
            AssertWovenOutput();
            var (run, profile) = sample.RunBuilt(App);
            Assert.That(run.StdOut, Does.Contain("total 6"));
            Assert.That(profile, Is.Not.Null, "the woven app writes a profile\n" + run);
            Samples.AssertConsoleProfile(profile!, squareWoven: false); // trivial: left out by default
            var wovenBytes = File.ReadAllBytes(App);

            // 3. The same setting and inputs again: no re-weave, the same woven output.
            var again = sample.Build(Config, "-p:Profile=true");
            Assert.That(again.Log.SkippedUpToDate("AsyncProfWeave"), "up to date: not woven again");
            Assert.That(again.Log.Tasks("WeaveAssembly"), Is.Empty);
            Assert.That(again.Log.Ran("AsyncProfUseWovenAssembly"), "the woven copy is still the one copied");
            Assert.That(File.ReadAllBytes(App), Is.EqualTo(wovenBytes));
            AssertWovenOutput();

            // 4. Profile off again: byte for byte the first build's assembly, no runtime, no deps.json entry.
            var plainAgain = sample.Build(Config);
            Assert.That(plainAgain.Log.NeverStarted("AsyncProfWeave"));
            Assert.That(plainAgain.Log.SkippedUpToDate("CoreCompile"));
            Assert.That(File.ReadAllBytes(App), Is.EqualTo(ordinaryBytes), "the ordinary assembly, byte for byte");
            AssertOrdinaryOutput();

            // 5. A source change in a profiling build: recompiled, so woven again.
            File.AppendAllText(sample.PathOf("ConsoleSample/Worker.cs"), "\n// changed by the test\n");
            var changed = sample.Build(Config, "-p:Profile=true");
            Assert.That(changed.Log.Ran("CoreCompile"));
            Assert.That(changed.Log.Tasks("WeaveAssembly"), Has.Count.EqualTo(1), "a new compilation is woven again");
            AssertWovenOutput();
        }

        [Test, Order(2)]
        public void Dotnet_run_with_Profile_writes_a_profile_and_stack_traces_keep_file_and_line()
        {
            var (_, profile) = sample.DotnetRun(Config, new[] { "-p:Profile=true", "-p:AsyncProfAll=true" });
            Assert.That(profile, Is.Not.Null, "dotnet run -p:Profile=true with ASYNCPROF_OUTPUT writes a profile");
            Samples.AssertConsoleProfile(profile!, squareWoven: true); // AsyncProfAll weaves the trivial Square too

            // Portable pdb (the Debug default) rewritten beside the woven assembly.
            Assert.That(File.Exists(Path.Combine(Bin, "ConsoleSample.pdb")));
            Assert.That(new AssemblyFacts(App).ReferencesAsyncProf);
            var (thrown, faultProfile) = sample.RunBuilt(App, "throw");
            Samples.AssertStackTraceHasSourceLine(sample, thrown.StdOut);
            Assert.That(faultProfile!.Function("ConsoleSample.Worker.FailAsync").Faults, Is.EqualTo(1));
        }

        void AssertOrdinaryOutput()
        {
            Assert.That(File.ReadAllBytes(App), Is.EqualTo(File.ReadAllBytes(Path.Combine(Obj, "ConsoleSample.dll"))),
                "bin/ has the compiler's output, untouched");
            Assert.That(File.ReadAllBytes(Path.Combine(Bin, "ConsoleSample.pdb")), Is.EqualTo(File.ReadAllBytes(Path.Combine(Obj, "ConsoleSample.pdb"))),
                "and the compiler's pdb");
            Assert.That(new AssemblyFacts(App).ReferencesAsyncProf, Is.False, "no reference to AsyncProf");
            Assert.That(File.Exists(Path.Combine(Bin, "AsyncProf.dll")), Is.False, "no runtime in the output");
            Assert.That(Samples.DepsJsonMentionsAsyncProf(Deps), Is.False, "deps.json does not mention AsyncProf");
        }

        void AssertWovenOutput()
        {
            Assert.That(new AssemblyFacts(App).ReferencesAsyncProf, "bin/ has the woven assembly");
            Assert.That(File.ReadAllBytes(App), Is.EqualTo(File.ReadAllBytes(Path.Combine(Obj, "asyncprof", "ConsoleSample.dll"))));
            Assert.That(File.ReadAllBytes(Path.Combine(Bin, "ConsoleSample.pdb")), Is.EqualTo(File.ReadAllBytes(Path.Combine(Obj, "asyncprof", "ConsoleSample.pdb"))),
                "with the pdb rewritten for it");
            Assert.That(new AssemblyFacts(Path.Combine(Obj, "ConsoleSample.dll")).ReferencesAsyncProf, Is.False,
                "the compiler's output is never modified");
            Assert.That(File.Exists(Path.Combine(Bin, "AsyncProf.dll")), "the runtime is in the output");
            Assert.That(Samples.DepsJsonListsAsyncProf(Deps), "and in deps.json");
        }

        void AssertSkipWarning(BuildLog log)
        {
            var warnings = log.Warnings("ASYNCPROF100");
            var skip = warnings.SingleOrDefault(w => w.Text.Contains("HandWrittenMachine"));
            Assert.That(skip, Is.Not.Null, "a warning about the hand-written state machine; got:\n" + string.Join("\n", warnings.Select(w => w.ToString())));
            Assert.That(Path.GetFileName(skip!.File), Is.EqualTo("HandWritten.cs"));
            Assert.That(skip.LineNumber, Is.EqualTo(sample.LineOf("ConsoleSample/HandWritten.cs", "SKIP-LINE")));
            Assert.That(skip.Text, Does.Contain("not profiled"));
        }
    }
}
