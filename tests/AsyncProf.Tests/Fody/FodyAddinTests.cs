using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using AsyncProf.Tests.Build;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Fody
{
    /// <summary>
    /// AsyncProf.Fody consumed as a user would (a PackageReference and &lt;AsyncProf/&gt; in FodyWeavers.xml), beside a
    /// second Fody addin (MarkerWeaver.Fody, packed by the test): weaves only with Profile=true or Always="true",
    /// filters from the XML and from MSBuild properties, warnings with file and line, configuration errors as one line.
    /// </summary>
    [TestFixture, NonParallelizable]
    [Category(Categories.Integration)]
    public class FodyAddinTests
    {
        const string Config = "Debug";
        const string FodyVersion = "6.9.3";
        SampleProject sample = null!;

        string Bin => sample.OutputFolder(Config);
        string App => Path.Combine(Bin, "ConsoleSample.dll");
        string Weavers => sample.PathOf("ConsoleSample/FodyWeavers.xml");

        [OneTimeSetUp]
        public void PackMarkerAndGenerate()
        {
            var env = BuildTestEnvironment.Instance;
            var markerVersion = "1.0.0-test." + env.RunId;
            var marker = SampleProject.Create("marker-weaver", "MarkerWeaver.Fody/MarkerWeaver.Fody.csproj",
                new Dictionary<string, string> { ["MARKER_VERSION"] = markerVersion, ["FODY_VERSION"] = FodyVersion }, "MarkerWeaver");
            var pack = env.Dotnet(marker.Folder, new[] { "pack", marker.ProjectPath, "-c", "Release", "-o", env.TestFeed, "--nologo" });
            Assert.That(pack.ExitCode, Is.EqualTo(0), "packing the test's second Fody addin\n" + pack);

            sample = Samples.Console("fody-console-debug",
                Samples.FodyReference + "\n" + $"    <PackageReference Include=\"MarkerWeaver.Fody\" Version=\"{markerVersion}\" />");
        }

        void WriteWeavers(string asyncProfElement) =>
            File.WriteAllText(Weavers, "<Weavers xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:noNamespaceSchemaLocation=\"FodyWeavers.xsd\">\n" +
                                       "  <MarkerWeaver />\n  " + asyncProfElement + "\n</Weavers>\n");

        [Test, Order(1)]
        public void Weaves_only_with_Profile_beside_another_addin_with_the_XML_filter()
        {
            // All="true": the trivial Square would be woven, so the filter is what keeps it out.
            WriteWeavers("<AsyncProf All=\"true\" Exclude=\"ConsoleSample.Worker.Square\" />");

            // Without Profile: both addins run, AsyncProf says why it does nothing, the marker addin still works.
            var plain = sample.Build(Config);
            Assert.That(plain.Log.Ran("FodyTarget"));
            Assert.That(plain.Log.Messages("Fody/MarkerWeaver:").Any(m => m.Contains("added MarkerWeaverWasHere")), "the other addin ran");
            Assert.That(plain.Log.Messages("Fody/AsyncProf:").Any(m => m.Contains("AsyncProf: not weaving (Profile is not true")),
                "AsyncProf says it is not weaving, and why");
            Assert.That(new AssemblyFacts(App).ReferencesAsyncProf, Is.False, "not woven without Profile=true");
            Assert.That(HasMarker(App));

            // The .xcf fragment documents our options in the FodyWeavers.xsd Fody generates.
            var xsd = File.ReadAllText(sample.PathOf("ConsoleSample/FodyWeavers.xsd"));
            Assert.That(xsd, Does.Contain("name=\"AsyncProf\""));
            Assert.That(xsd, Does.Contain("name=\"Always\"").And.Contain("name=\"All\"").And.Contain("name=\"Exclude\"").And.Contain("Namespace.Type.Method"));

            // With Profile: recompiled (the setting is a compile input), both addins ran, ours wove and said so.
            var profiled = sample.Build(Config, "-p:Profile=true");
            Assert.That(profiled.Log.Ran("CoreCompile"), "Profile is an input of the compilation Fody follows");
            var report = profiled.Log.Messages("Fody/AsyncProf: AsyncProf: wove ").SingleOrDefault();
            Assert.That(report, Does.Match(@"AsyncProf: wove \d+ methods \(.*\), skipped 1, in \d+ ms \(Profile=true\)"));
            Assert.That(new AssemblyFacts(App).ReferencesAsyncProf, "woven");
            Assert.That(HasMarker(App), "beside the other addin's change");
            Assert.That(File.Exists(Path.Combine(Bin, "AsyncProf.dll")), "the runtime (the package's lib/) is in the output");
            Assert.That(Samples.DepsJsonListsAsyncProf(Path.Combine(Bin, "ConsoleSample.deps.json")));
            var skip = profiled.Log.Warnings().SingleOrDefault(w => w.Text.Contains("HandWrittenMachine"));
            Assert.That(skip, Is.Not.Null, "the skipped state machine is reported");
            Assert.That(Path.GetFileName(skip!.File), Is.EqualTo("HandWritten.cs"));
            Assert.That(skip.LineNumber, Is.EqualTo(sample.LineOf("ConsoleSample/HandWritten.cs", "SKIP-LINE")));

            var (run, profile) = sample.RunBuilt(App);
            Assert.That(profile, Is.Not.Null, "the woven app writes a profile\n" + run);
            Samples.AssertConsoleProfile(profile!, squareWoven: false);
            var (thrown, _) = sample.RunBuilt(App, "throw");
            Samples.AssertStackTraceHasSourceLine(sample, thrown.StdOut);

            // Same setting, nothing changed: no recompile, Fody does not run again.
            var again = sample.Build(Config, "-p:Profile=true");
            Assert.That(again.Log.SkippedUpToDate("CoreCompile"));
            Assert.That(again.Log.Ran("FodyTarget"), Is.False, "not woven again");
            Assert.That(new AssemblyFacts(App).ReferencesAsyncProf);

            // Off again: recompiled, not woven, the marker addin still ran.
            var plainAgain = sample.Build(Config);
            Assert.That(plainAgain.Log.Ran("CoreCompile"));
            Assert.That(new AssemblyFacts(App).ReferencesAsyncProf, Is.False);
            Assert.That(HasMarker(App));
        }

        [Test, Order(2)]
        public void Always_weaves_without_Profile_and_filters_come_from_XML_and_MSBuild_properties()
        {
            WriteWeavers("<AsyncProf Always=\"true\">\n    <Include>\n      ConsoleSample.Worker.*\n      ConsoleSample.Program.*\n    </Include>\n  </AsyncProf>");
            var build = sample.Build(Config, "-p:AsyncProfAll=true", "-p:AsyncProfExclude=ConsoleSample.Worker.Square");
            Assert.That(build.Log.Messages("Fody/AsyncProf: AsyncProf: wove ").Any(m => m.Contains("(Always=\"true\" in FodyWeavers.xml)")));

            var (_, profile) = sample.RunBuilt(App);
            Assert.That(profile, Is.Not.Null, "Always=\"true\": woven without Profile");
            Samples.AssertConsoleProfile(profile!, squareWoven: false);
            Assert.That(profile!.FindFunction("ConsoleSample.HandWritten.Run"), Is.Null, "not in the XML's Include");
        }

        [Test, Order(3)]
        public void A_bad_configuration_fails_the_build_with_one_clear_error()
        {
            WriteWeavers("<AsyncProf Always=\"sometimes\" />");
            var build = sample.BuildExpectingFailure(Config);
            var errors = build.Log.Errors();
            var ours = errors.Where(e => e.Text.Contains("AsyncProf")).ToList();
            Assert.That(ours, Has.Count.EqualTo(1), string.Join("\n", errors.Select(e => e.Text)));
            Assert.That(ours[0].Text, Does.Contain("Always=\"sometimes\"").And.Contain("must be true or false"));
            Assert.That(ours[0].Text, Does.Not.Contain("\n"), "one line");
            Assert.That(build.Process.Output, Does.Not.Contain("   at "), "no stack trace");
        }

        static bool HasMarker(string assembly)
        {
            using var pe = new PEReader(File.OpenRead(assembly));
            var md = pe.GetMetadataReader();
            return md.TypeDefinitions.Any(h => md.GetString(md.GetTypeDefinition(h).Name) == "MarkerWeaverWasHere");
        }
    }
}
