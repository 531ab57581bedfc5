using System.IO;
using System.Linq;
using AsyncProf.Tests.Build;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.MSBuildTask
{
    /// <summary>
    /// AsyncProf.MSBuild in Release with an embedded pdb and a strong-name key: `dotnet run` and `dotnet publish`
    /// with Profile=true, the filter properties, the signature kept with the project's own key.
    /// </summary>
    [TestFixture, NonParallelizable]
    [Category(Categories.Integration)]
    public class MSBuildReleaseTests
    {
        const string Config = "Release";
        const string Properties = @"    <DebugType>embedded</DebugType>
    <SignAssembly>true</SignAssembly>
    <AssemblyOriginatorKeyFile>sample.snk</AssemblyOriginatorKeyFile>";

        SampleProject sample = null!;
        byte[] publicKey = null!;

        string App => Path.Combine(sample.OutputFolder(Config), "ConsoleSample.dll");

        [OneTimeSetUp]
        public void Generate()
        {
            sample = Samples.Console("msbuild-console-release", Samples.MSBuildReference, Properties);
            publicKey = AssemblyFacts.WriteStrongNameKey(sample.PathOf("ConsoleSample/sample.snk"));
        }

        [Test, Order(1)]
        public void Dotnet_run_profiles_a_signed_Release_build_with_embedded_symbols_and_the_filter_properties()
        {
            var (_, profile) = sample.DotnetRun(Config, new[] { "-p:Profile=true", "-p:AsyncProfAll=true", "-p:AsyncProfExclude=ConsoleSample.Worker.Square" });
            Assert.That(profile, Is.Not.Null, "dotnet run -p:Profile=true with ASYNCPROF_OUTPUT writes a profile");
            Samples.AssertConsoleProfile(profile!, squareWoven: false);

            var woven = new AssemblyFacts(App);
            Assert.That(woven.ReferencesAsyncProf, "woven");
            Assert.That(woven.HasEmbeddedPdb, "the embedded pdb is rewritten into the woven assembly");
            Assert.That(File.Exists(Path.ChangeExtension(App, ".pdb")), Is.False, "and no separate pdb appears");

            // Stack traces through woven code, read from the embedded pdb.
            var (thrown, _) = sample.RunBuilt(App, "throw");
            Samples.AssertStackTraceHasSourceLine(sample, thrown.StdOut);
        }

        [Test, Order(2)]
        public void A_strong_named_project_stays_strong_named_with_its_own_key()
        {
            var compiled = Path.Combine(sample.IntermediateFolder(Config), "ConsoleSample.dll");
            if (!File.Exists(App) || !new AssemblyFacts(App).ReferencesAsyncProf)
                sample.Build(Config, "-p:Profile=true");

            // The verifier is checked on the compiler's own signature first.
            Assert.That(new AssemblyFacts(compiled).PublicKey, Is.EqualTo(publicKey), "the compiler signed with the project's key");
            Assert.That(AssemblyFacts.StrongNameProblem(compiled), Is.Null, "the compiler's signature verifies");

            var woven = new AssemblyFacts(App);
            Assert.That(woven.ReferencesAsyncProf, "woven");
            Assert.That(woven.PublicKey, Is.EqualTo(publicKey), "the woven assembly keeps the project's public key");
            Assert.That(woven.StrongNameSignedFlag, "and is marked strong-name signed");
            Assert.That(AssemblyFacts.StrongNameProblem(App), Is.Null, "and its signature verifies with the project's key");

            // And the verifier does refuse a signature that does not match: one byte changed in the woven code.
            var tampered = Path.Combine(sample.Folder, "tampered.dll");
            var bytes = File.ReadAllBytes(App);
            var text = new System.Reflection.PortableExecutable.PEReader(new MemoryStream(bytes)).PEHeaders.SectionHeaders.First(s => s.Name == ".text");
            bytes[text.PointerToRawData + 8] ^= 0x5a; // the import address table: hashed, not the signature
            File.WriteAllBytes(tampered, bytes);
            Assert.That(AssemblyFacts.StrongNameProblem(tampered), Is.Not.Null, "a changed image fails verification");
        }

        [Test, Order(3)]
        public void Dotnet_publish_with_Profile_publishes_the_woven_app_with_its_runtime()
        {
            var publish = sample.PathOf("publish");
            var run = sample.Publish(Config, publish, "-p:Profile=true");
            Assert.That(run.Log.Ran("AsyncProfUseWovenAssembly"));
            var app = Path.Combine(publish, "ConsoleSample.dll");
            Assert.That(new AssemblyFacts(app).ReferencesAsyncProf, "the published assembly is the woven one");
            Assert.That(File.Exists(Path.Combine(publish, "AsyncProf.dll")), "with the runtime");
            Assert.That(Samples.DepsJsonListsAsyncProf(Path.Combine(publish, "ConsoleSample.deps.json")), "listed in the published deps.json");

            var (_, profile) = sample.RunBuilt(app);
            Assert.That(profile, Is.Not.Null, "the published app writes a profile");
            Samples.AssertConsoleProfile(profile!, squareWoven: false); // trivial: left out by default
        }
    }
}
