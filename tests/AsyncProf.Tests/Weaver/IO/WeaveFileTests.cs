using System.IO;
using System.Linq;
using System.Security.Cryptography;
using AsyncProf.Weaver;
using Mono.Cecil;
using NUnit.Framework;

namespace AsyncProf.Tests.Weaver.IO
{
    /// <summary>How WeaveFile treats files: output beside its pdb, input untouched, in-place weaving, no leftovers.</summary>
    [TestFixture]
    public class WeaveFileTests
    {
        [Test]
        public void Input_is_untouched_when_output_differs()
        {
            var folder = WeaverTestFiles.NewFolder("file");
            var input = WeaverTestFiles.CopySamplesAssembly(folder);
            var before = Hash(input);
            var beforePdb = Hash(Path.ChangeExtension(input, ".pdb"));

            var output = Path.Combine(folder, "out", Path.GetFileName(input));
            AssemblyWeaver.WeaveFile(input, output, new WeaverSettings(), NullWeaverLog.Instance);

            Assert.That(Hash(input), Is.EqualTo(before));
            Assert.That(Hash(Path.ChangeExtension(input, ".pdb")), Is.EqualTo(beforePdb));
            Assert.That(File.Exists(Path.ChangeExtension(output, ".pdb")), "symbols are written beside the output");
            Assert.That(Directory.GetFiles(folder, "*.tmp", SearchOption.AllDirectories), Is.Empty);
        }

        [Test]
        public void In_place_weaving_replaces_assembly_and_symbols()
        {
            var folder = WeaverTestFiles.NewFolder("inplace");
            var input = WeaverTestFiles.CopySamplesAssembly(folder);
            var before = Hash(input);

            var result = AssemblyWeaver.WeaveFile(input, input, new WeaverSettings(), NullWeaverLog.Instance);

            Assert.That(result.Total, Is.GreaterThan(0));
            Assert.That(result.Elapsed, Is.GreaterThan(System.TimeSpan.Zero));
            Assert.That(Hash(input), Is.Not.EqualTo(before));
            using (var module = WeaverTestFiles.ReadWithSymbols(input))
            {
                Assert.That(module.Types.Any(t => t.Name == "<AsyncProf>MethodTable"));
                Assert.That(module.HasSymbols, "the rewritten pdb matches the rewritten assembly");
            }
            Assert.That(Directory.GetFiles(folder, "*.tmp", SearchOption.AllDirectories), Is.Empty);
        }

        [Test]
        public void Missing_pdb_weaves_without_symbols()
        {
            var folder = WeaverTestFiles.NewFolder("nopdb");
            var input = WeaverTestFiles.CopySamplesAssembly(folder);
            File.Delete(Path.ChangeExtension(input, ".pdb"));
            var output = Path.Combine(folder, "out", Path.GetFileName(input));

            var result = AssemblyWeaver.WeaveFile(input, output, new WeaverSettings(), NullWeaverLog.Instance);

            Assert.That(result.Total, Is.GreaterThan(0));
            Assert.That(File.Exists(Path.ChangeExtension(output, ".pdb")), Is.False);
            using (var module = ModuleDefinition.ReadModule(output))
                Assert.That(WeaverTestFiles.ReadMethodTable(module), Has.All.Matches<string>(l => l.EndsWith("\t\t0")),
                    "without symbols every method has an empty file and line 0");
        }

        [Test]
        public void Include_and_exclude_filter_by_display_name()
        {
            var folder = WeaverTestFiles.NewFolder("filter");
            var input = WeaverTestFiles.CopySamplesAssembly(folder);
            var output = Path.Combine(folder, "out", Path.GetFileName(input));
            var settings = new WeaverSettings();
            settings.Include.Add("AsyncProf.Tests.Weaver.Samples.*");
            settings.Exclude.Add("*.lambda#*");

            AssemblyWeaver.WeaveFile(input, output, settings, NullWeaverLog.Instance);

            using (var module = ModuleDefinition.ReadModule(output))
            {
                var names = WeaverTestFiles.ReadMethodTable(module).Select(l => l.Split('\t')[1]).ToList();
                Assert.That(names, Has.All.StartWith("AsyncProf.Tests.Weaver.Samples."));
                Assert.That(names, Has.None.Contains("lambda#"));
                Assert.That(names, Does.Contain("AsyncProf.Tests.Weaver.Samples.Repo<T>.Convert<U>"));
            }
        }

        static string Hash(string path)
        {
            using (var sha = SHA256.Create())
            using (var stream = File.OpenRead(path))
                return System.Convert.ToBase64String(sha.ComputeHash(stream));
        }
    }
}
