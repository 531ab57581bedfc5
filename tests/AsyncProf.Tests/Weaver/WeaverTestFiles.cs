using System;
using System.IO;
using System.Linq;
using AsyncProf.Tests.Infrastructure;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace AsyncProf.Tests.Weaver
{
    /// <summary>
    /// Scratch folders and inputs for the weaver tests: the weaver samples fixture (tests/Fixtures/WeaverSamples), built
    /// once per test run by <see cref="ProjectBuilds"/> and copied per test, since tests weave and damage their copy.
    /// </summary>
    internal static class WeaverTestFiles
    {
        public static string NewFolder(string label)
        {
            var folder = Path.Combine(RepoPaths.Scratch, "weaver", label + "-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(folder);
            return folder;
        }

        /// <summary>Copies the built samples assembly and its pdb into <paramref name="folder"/>; returns the copy's path.</summary>
        public static string CopySamplesAssembly(string folder)
        {
            var source = Path.Combine(ProjectBuilds.Build(RepoPaths.Fixture("WeaverSamples"), "Debug"), "WeaverSamples.dll");
            var copy = Path.Combine(folder, Path.GetFileName(source));
            File.Copy(source, copy, overwrite: true);
            var pdb = Path.ChangeExtension(source, ".pdb");
            if (File.Exists(pdb))
                File.Copy(pdb, Path.ChangeExtension(copy, ".pdb"), overwrite: true);
            return copy;
        }

        /// <summary>The method table text a woven module registers (the ldstr in the marker type's initializer), split in lines.</summary>
        public static string[] ReadMethodTable(ModuleDefinition module)
        {
            var table = module.Types.Single(t => t.Name == "<AsyncProf>MethodTable");
            var cctor = table.Methods.Single(m => m.IsConstructor && m.IsStatic);
            // the first string: the method table (a module with blocking call sites registers a site table after it)
            var text = (string)cctor.Body.Instructions.First(i => i.OpCode == OpCodes.Ldstr).Operand;
            return text.Split('\n');
        }

        public static ModuleDefinition ReadWithSymbols(string path) =>
            ModuleDefinition.ReadModule(path, new ReaderParameters { ReadSymbols = true, InMemory = true });
    }
}
