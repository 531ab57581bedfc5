using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Build
{
    /// <summary>
    /// The packed packages themselves: what a consumer's restore gets, file by file, against the conventions of
    /// NuGet build packages and of Fody addins.
    /// </summary>
    [TestFixture, NonParallelizable]
    [Category(Categories.Integration)]
    public class PackageLayoutTests
    {
        static ZipArchive Open(string id) => ZipFile.OpenRead(BuildTestEnvironment.Instance.PackagePath(id));

        static string[] Entries(ZipArchive zip) => zip.Entries.Select(e => e.FullName).ToArray();

        static XElement Nuspec(ZipArchive zip)
        {
            var entry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
            using var stream = entry.Open();
            return XDocument.Load(stream).Root!;
        }

        static XElement? Metadata(XElement nuspec, string name) =>
            nuspec.Elements().First(e => e.Name.LocalName == "metadata").Elements().FirstOrDefault(e => e.Name.LocalName == name);

        [Test]
        public void AsyncProf_is_the_runtime_for_netstandard2_0_and_net8_0()
        {
            using var zip = Open("AsyncProf");
            Assert.That(Entries(zip), Does.Contain("lib/netstandard2.0/AsyncProf.dll").And.Contain("lib/net8.0/AsyncProf.dll"));
            Assert.That(Metadata(Nuspec(zip), "dependencies")?.Descendants().Where(e => e.Name.LocalName == "dependency"), Is.Null.Or.Empty,
                "the runtime has no dependencies");
        }

        [Test]
        public void AsyncProf_MSBuild_is_a_build_only_package_with_its_task_and_the_runtime()
        {
            using var zip = Open("AsyncProf.MSBuild");
            var entries = Entries(zip);
            Assert.That(entries, Does.Contain("build/AsyncProf.MSBuild.props").And.Contain("build/AsyncProf.MSBuild.targets")
                .And.Contain("buildTransitive/AsyncProf.MSBuild.props").And.Contain("buildTransitive/AsyncProf.MSBuild.targets"));
            Assert.That(entries, Does.Contain("tasks/netstandard2.0/AsyncProf.MSBuild.dll").And.Contain("tasks/netstandard2.0/AsyncProf.Weaver.dll")
                .And.Contain("tasks/netstandard2.0/Mono.Cecil.dll"), "the task with its dependencies beside it");
            Assert.That(entries, Does.Contain("runtime/netstandard2.0/AsyncProf.dll").And.Contain("runtime/net8.0/AsyncProf.dll"));
            Assert.That(entries.Where(e => e.StartsWith("lib/", StringComparison.Ordinal)), Is.Empty,
                "nothing is referenced by the consuming project: a build without Profile has no trace of AsyncProf");
            Assert.That(entries.Where(e => e.Contains("Microsoft.Build", StringComparison.Ordinal)), Is.Empty, "MSBuild's own assemblies are not shipped");
            var nuspec = Nuspec(zip);
            Assert.That(Metadata(nuspec, "developmentDependency")?.Value, Is.EqualTo("true"));
            Assert.That(Metadata(nuspec, "dependencies"), Is.Null, "no package dependencies");
        }

        [Test]
        public void AsyncProf_Reports_is_the_reader_and_exporters_for_net8_0_and_net10_0()
        {
            using var zip = Open("AsyncProf.Reports");
            Assert.That(Entries(zip), Does.Contain("lib/net8.0/AsyncProf.Reports.dll").And.Contain("lib/net10.0/AsyncProf.Reports.dll"));
            Assert.That(Metadata(Nuspec(zip), "dependencies")?.Descendants().Where(e => e.Name.LocalName == "dependency"), Is.Null.Or.Empty,
                "no dependencies");
        }

        [Test]
        public void AsyncProf_AspNetCore_is_the_middleware_for_net8_0_depending_on_the_runtime_and_reports_packages()
        {
            using var zip = Open("AsyncProf.AspNetCore");
            Assert.That(Entries(zip), Does.Contain("lib/net8.0/AsyncProf.AspNetCore.dll").And.Contain("lib/net8.0/AsyncProf.AspNetCore.xml"));
            Assert.That(Entries(zip).Where(e => e.EndsWith("/AsyncProf.dll", StringComparison.Ordinal)), Is.Empty, "the runtime comes from its own package");
            var nuspec = Nuspec(zip);
            var dependencies = Metadata(nuspec, "dependencies")!.Descendants().Where(e => e.Name.LocalName == "dependency").ToList();
            var version = BuildTestEnvironment.Instance.Version;
            Assert.That(dependencies.Select(d => ((string?)d.Attribute("id"), (string?)d.Attribute("version"))),
                Is.EquivalentTo(new[] { ("AsyncProf", version), ("AsyncProf.Reports", version) }), "the runtime and the exporters of the same version, nothing else");
            var frameworks = Metadata(nuspec, "frameworkReferences")!.Descendants().Where(e => e.Name.LocalName == "frameworkReference");
            Assert.That(frameworks.Select(f => (string?)f.Attribute("name")), Is.EquivalentTo(new[] { "Microsoft.AspNetCore.App" }));
        }

        [Test]
        public void AsyncProf_Fody_follows_the_conventions_of_Fody_addins()
        {
            using var zip = Open("AsyncProf.Fody");
            var entries = Entries(zip);
            Assert.That(entries, Does.Contain("weaver/AsyncProf.Fody.dll").And.Contain("weaver/AsyncProf.Fody.xcf")
                .And.Contain("build/AsyncProf.Fody.props"));
            Assert.That(entries, Does.Contain("lib/netstandard2.0/AsyncProf.dll").And.Contain("lib/net8.0/AsyncProf.dll"),
                "the runtime as the lib/ assembly woven code references");

            // build/AsyncProf.Fody.props registers the weaver the way FodyPackaging does.
            using (var props = zip.GetEntry("build/AsyncProf.Fody.props")!.Open())
            {
                var weaverFiles = XDocument.Load(props).Descendants().Where(e => e.Name.LocalName == "WeaverFiles").ToList();
                Assert.That(weaverFiles.Select(e => (string?)e.Attribute("Include")), Has.One.EndsWith(@"..\weaver\AsyncProf.Fody.dll"));
            }

            // The xcf is an XML Schema fragment that documents our attributes.
            using (var xcf = zip.GetEntry("weaver/AsyncProf.Fody.xcf")!.Open())
            {
                var fragment = XDocument.Load(xcf).Root!;
                Assert.That(fragment.Name.LocalName, Is.EqualTo("complexType"));
                var attributes = fragment.Elements().Where(e => e.Name.LocalName == "attribute").Select(e => (string?)e.Attribute("name"));
                Assert.That(attributes, Is.EquivalentTo(new[] { "Always", "All", "Include", "Exclude" }));
            }

            // A public ModuleWeaver deriving from Fody's BaseModuleWeaver, and no dependency Fody could not load.
            var weaver = Path.Combine(BuildTestEnvironment.Instance.Root, "AsyncProf.Fody.dll");
            zip.GetEntry("weaver/AsyncProf.Fody.dll")!.ExtractToFile(weaver, overwrite: true);
            using (var pe = new PEReader(File.OpenRead(weaver)))
            {
                var md = pe.GetMetadataReader();
                // Fody takes the first type named ModuleWeaver (Assembly.GetTypes() order, the TypeDef table's): it must be
                // ours, in the global namespace, even though the weaver core has an internal class of the same name.
                var moduleWeaver = md.TypeDefinitions.Select(md.GetTypeDefinition).First(t => md.GetString(t.Name) == "ModuleWeaver");
                Assert.That(md.GetString(moduleWeaver.Namespace), Is.Empty, "Fody finds the addin's ModuleWeaver first");
                Assert.That(moduleWeaver.Attributes & System.Reflection.TypeAttributes.VisibilityMask, Is.EqualTo(System.Reflection.TypeAttributes.Public));
                var baseType = md.GetTypeReference((TypeReferenceHandle)moduleWeaver.BaseType);
                Assert.That(md.GetString(baseType.Namespace) + "." + md.GetString(baseType.Name), Is.EqualTo("Fody.BaseModuleWeaver"));
                var references = md.AssemblyReferences.Select(h => md.GetString(md.GetAssemblyReference(h).Name)).ToList();
                Assert.That(references.Where(r => r.StartsWith("AsyncProf", StringComparison.Ordinal)), Is.Empty,
                    "the weaver core is compiled in: Fody loads only the weaver assembly itself");
            }

            var dependencies = Metadata(Nuspec(zip), "dependencies")!.Descendants().Where(e => e.Name.LocalName == "dependency").ToList();
            Assert.That(dependencies.Select(d => (string?)d.Attribute("id")), Is.EquivalentTo(new[] { "Fody" }), "it brings Fody's targets");
        }
    }
}
