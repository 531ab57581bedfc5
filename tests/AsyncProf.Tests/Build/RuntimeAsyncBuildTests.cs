using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using AsyncProf.Tests.Infrastructure;
using AsyncProf.Tests.Zoo;
using NUnit.Framework;

namespace AsyncProf.Tests.Build
{
    /// <summary>
    /// The console sample compiled runtime-async (the .NET 11 model: Microsoft.Net.Compilers.Toolset with
    /// <c>runtime-async=on</c>, so its async methods are MethodImpl 0x2000 methods, no state machines), built with
    /// -p:Profile=true through each way in, AsyncProf.MSBuild and AsyncProf.Fody, and run with DOTNET_RuntimeAsync=1:
    /// the build integration handles it exactly like any other assembly, and the profile is the state-machine build's.
    /// </summary>
    [TestFixture("MSBuild")]
    [TestFixture("Fody")]
    [NonParallelizable]
    [Category(Categories.Integration)]
    public class RuntimeAsyncBuildTests
    {
        const string Config = "Release";
        const string RuntimeAsyncProperties = @"    <Features>$(Features);runtime-async=on</Features>
    <EnablePreviewFeatures>true</EnablePreviewFeatures>
    <NoWarn>$(NoWarn);SYSLIB5007</NoWarn>";

        /// <summary>MethodImplAttributes.Async: the method is runtime-async.</summary>
        const int AsyncImplFlag = 0x2000;

        readonly bool fody;
        SampleProject sample = null!;

        public RuntimeAsyncBuildTests(string way) => fody = way == "Fody";

        string App => Path.Combine(sample.OutputFolder(Config), "ConsoleSample.dll");

        [OneTimeSetUp]
        public void Generate()
        {
            var toolset = "    <PackageReference Include=\"Microsoft.Net.Compilers.Toolset\" Version=\"5.9.0\" />";
            sample = Samples.Console((fody ? "fody" : "msbuild") + "-runtime-async",
                (fody ? Samples.FodyReference : Samples.MSBuildReference) + "\n" + toolset, RuntimeAsyncProperties);
            if (fody)
                File.WriteAllText(sample.PathOf("ConsoleSample/FodyWeavers.xml"), "<Weavers>\n  <AsyncProf />\n</Weavers>\n");
        }

        [Test]
        public void Profile_true_weaves_the_runtime_async_methods_and_the_run_counts_them_as_a_state_machine_build_would()
        {
            var build = sample.Build(Config, "-p:Profile=true");

            var compiled = Path.Combine(sample.IntermediateFolder(Config), "ConsoleSample.dll");
            Assert.That(ImplFlags(fody ? App : compiled, "Worker", "ComputeAsync") & AsyncImplFlag, Is.Not.Zero,
                "the compiler emitted ComputeAsync as a runtime-async method (the toolset and the feature flag took effect)");
            var report = build.Log.Messages("AsyncProf: ").FirstOrDefault(m => m.Contains(" wove "));
            Assert.That(report, Does.Match(@"wove \d+ methods \(.*, [1-9]\d* runtime-async\)"), "the summary counts the runtime-async methods");
            Assert.That(new AssemblyFacts(App).ReferencesAsyncProf, "woven");

            var (run, profile) = sample.RunBuilt(App, ZooApp.RuntimeAsyncEnvironment);
            Assert.That(run.StdOut, Does.Contain("total "), run.ToString());
            Assert.That(profile, Is.Not.Null, "the woven runtime-async app writes its profile\n" + run);
            Samples.AssertConsoleProfile(profile!, squareWoven: false);

            var (thrown, _) = sample.RunBuilt(App, ZooApp.RuntimeAsyncEnvironment, "throw");
            Samples.AssertStackTraceHasSourceLine(sample, thrown.StdOut, recordedCopy: true);
        }

        /// <summary>The MethodImpl flags of <paramref name="type"/>.<paramref name="method"/> as compiled (or woven).</summary>
        static int ImplFlags(string assembly, string type, string method)
        {
            using var stream = File.OpenRead(assembly);
            using var pe = new PEReader(stream);
            var md = pe.GetMetadataReader();
            var definition = md.TypeDefinitions.Select(md.GetTypeDefinition).Single(t => md.GetString(t.Name) == type);
            var found = definition.GetMethods().Select(md.GetMethodDefinition).First(m => md.GetString(m.Name) == method);
            return (int)found.ImplAttributes;
        }
    }
}
