using System;
using System.Linq;
using AsyncProf.Cli;
using AsyncProf.Tests.Infrastructure;
using AsyncProf.Tests.Zoo;
using AsyncProf.Weaver.Discovery;
using AsyncProf.Weaver.Instrumentation;
using Mono.Cecil;
using NUnit.Framework;

namespace AsyncProf.Tests.Jit
{
    /// <summary>
    /// The woven runtime-async zoo must compile. RuntimeHelpers.PrepareMethod on a runtime-async (0x2000) method
    /// compiles only its Task-returning entry, never the IL body (checked: a body replaced by invalid IL still
    /// "prepares"): the runtime compiles that body on the first call. So every other method is prepared in process
    /// (the test process runs with DOTNET_RuntimeAsync=1, see test.runsettings), and every woven runtime-async method
    /// must have been called by the zoo's run, under default and fully optimizing JIT settings, which compiled it.
    /// </summary>
    [TestFixture]
    [NonParallelizable]
    [Category(Categories.Integration)]
    public class RuntimeAsyncJitTests
    {
        static readonly string[] Configurations = ZooApp.RuntimeAsyncConfigurations;

        [Test]
        public void The_test_process_can_load_runtime_async_code() =>
            Assert.That(Environment.GetEnvironmentVariable("DOTNET_RuntimeAsync"), Is.EqualTo("1"),
                "run the tests through `dotnet test` (tests/AsyncProf.Tests/test.runsettings sets DOTNET_RuntimeAsync=1)");

        [TestCaseSource(nameof(Configurations))]
        public void Every_other_woven_method_compiles(string configuration)
        {
            var woven = ZooApp.Woven(configuration).MainAssembly;
            var report = JitVerifier.PrepareAll(woven);
            TestContext.Out.WriteLine($"{configuration} ({woven}): {report}");
            Assert.That(report.Failures, Is.Empty, report.ToString());
            Assert.That(report.SkippedOpenGenerics, Is.Empty, "the zoo's open generics must all be instantiated");
            Assert.That(report.Prepared, Is.GreaterThan(150), "methods with bodies");
        }

        [TestCaseSource(nameof(Configurations))]
        public void Every_woven_runtime_async_method_ran_and_so_compiled(string configuration)
        {
            var woven = ZooApp.Woven(configuration).MainAssembly;
            string[] names;
            using (var module = ModuleDefinition.ReadModule(woven, new ReaderParameters { ReadSymbols = false }))
                names = module.GetTypes().SelectMany(t => t.Methods)
                    // a profiled copy ran when its function recorded calls: only it records, called by its original
                    .Where(m => m.HasBody && RuntimeAsyncMethodWeaver.IsRuntimeAsync(m) && !m.Name.EndsWith(ProfiledCopy.Suffix, StringComparison.Ordinal))
                    .Select(DisplayNames.Of).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToArray();
            Assert.That(names, Has.Length.GreaterThan(40), "runtime-async methods in the woven twin");
            foreach (var variant in new[] { RunVariant.Default, RunVariant.FullJitOptimization })
            {
                var profile = ZooApp.Run(configuration, variant: variant).Profile;
                var notRun = names.Where(n => !(profile.FindFunction(n)?.Calls > 0)).ToList();
                Assert.That(notRun, Is.Empty, $"runtime-async methods the {variant} run never called (so never compiled), {profile.Path}");
            }
        }
    }
}
