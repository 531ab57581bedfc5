using System;
using System.IO;
using System.Linq;
using AsyncProf.Weaver;
using AsyncProf.Weaver.Discovery;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;
using NUnit.Framework;

namespace AsyncProf.Tests.Weaver.Discovery
{
    /// <summary>
    /// What the weaver leaves out by default (trivial bodies, AggressiveInlining, compiler plumbing) and what
    /// <see cref="WeaverSettings.WeaveAll"/> adds back, on SelectionSamples.cs woven alone (the other types of the samples
    /// assembly are removed first, so the summary counts are exact), and the trivial-body rule on hand-built IL.
    /// </summary>
    [TestFixture]
    public class WeaveSelectionTests
    {
        const string Ns = "AsyncProf.Tests.Weaver.Selection.";

        /// <summary>The samples alone, as an assembly on disk (for the command line test).</summary>
        internal static string SamplesAssembly(string folder)
        {
            var copy = WeaverTestFiles.CopySamplesAssembly(folder);
            using (var module = LoadSamples(copy))
                module.Write(Path.Combine(folder, "Selection.dll"));
            return Path.Combine(folder, "Selection.dll");
        }

        static ModuleDefinition LoadSamples(string path)
        {
            var module = ModuleDefinition.ReadModule(path, new ReaderParameters { InMemory = true });
            foreach (var type in module.Types.Where(t => t.Name != "<Module>" && t.Namespace + "." != Ns).ToList())
                module.Types.Remove(type);
            return module;
        }

        static (WeaveResult Result, string[] Woven) Weave(bool all, params string[] include)
        {
            var folder = WeaverTestFiles.NewFolder("selection");
            using var module = LoadSamples(WeaverTestFiles.CopySamplesAssembly(folder));
            var settings = new WeaverSettings { WeaveAll = all };
            settings.Include.AddRange(include);
            var result = AssemblyWeaver.WeaveModule(module, settings, new RecordingWeaverLog());
            var woven = WeaverTestFiles.ReadMethodTable(module).Select(l => l.Split('\t')[1]).ToArray();
            return (result, woven);
        }

        static readonly string[] KeptByDefault =
        {
            "Shapes..ctor", "Shapes.Spin", "Shapes.Describe", "Shapes.TinyAsync", "Shapes.Later", "Pair..ctor",
        };
        static readonly string[] Trivial = { "Shapes.get_Count", "Shapes.Reset", "Shapes.Helper", "Cell..ctor" };

        [Test]
        public void By_default_trivial_and_aggressive_inlining_methods_and_plumbing_are_left_out()
        {
            var (result, woven) = Weave(all: false);

            Assert.That(woven, Is.EquivalentTo(KeptByDefault.Select(n => Ns + n)));
            Assert.That(result.LeftOutTrivial, Is.EqualTo(Trivial.Length), result.ToString());
            Assert.That(result.LeftOutAggressiveInlining, Is.EqualTo(1), result.ToString());
            // get_/set_AutoProperty, the record's accessors, Equals, GetHashCode, ToString, PrintMembers, <Clone>$...
            Assert.That(result.LeftOutCompilerGenerated, Is.GreaterThanOrEqualTo(2 + 8), result.ToString());
            Assert.That(result.Skipped, Is.Zero);
            Assert.That(result.AsyncMethods, Is.EqualTo(1), "the tiny async method's state machine is woven");
            Assert.That(result.TaskMethods, Is.EqualTo(1));
        }

        [Test]
        public void WeaveAll_weaves_the_trivial_and_aggressive_inlining_ones_too_but_not_plumbing()
        {
            var (result, woven) = Weave(all: true);

            Assert.That(woven, Is.EquivalentTo(KeptByDefault.Concat(Trivial).Append("Shapes.Twice").Select(n => Ns + n)));
            Assert.That(result.LeftOutTrivial + result.LeftOutAggressiveInlining, Is.Zero, result.ToString());
            Assert.That(result.LeftOutCompilerGenerated, Is.EqualTo(Weave(all: false).Result.LeftOutCompilerGenerated));
            Assert.That(woven, Has.None.Contains("AutoProperty").And.None.Contains("Equals").And.None.Contains("Clone"));
        }

        [Test]
        public void An_include_naming_a_left_out_method_without_a_wildcard_weaves_it()
        {
            var (result, woven) = Weave(false, Ns + "Shapes.get_Count", Ns + "Shapes.Twice", Ns + "Shapes.Spin");

            Assert.That(woven, Is.EquivalentTo(new[] { "Shapes.get_Count", "Shapes.Twice", "Shapes.Spin" }.Select(n => Ns + n)));
            Assert.That(result.LeftOutTrivial, Is.EqualTo(Trivial.Length - 1), "the other trivial ones stay out");
            Assert.That(result.LeftOutAggressiveInlining, Is.Zero);
        }

        [Test]
        public void An_include_with_a_wildcard_filters_but_does_not_bring_back_left_out_methods()
        {
            var (result, woven) = Weave(false, Ns + "Shapes.*");

            Assert.That(woven, Is.EquivalentTo(KeptByDefault.Where(n => n.StartsWith("Shapes.")).Select(n => Ns + n)));
            Assert.That(result.LeftOutTrivial, Is.EqualTo(Trivial.Length), result.ToString());
            Assert.That(result.LeftOutAggressiveInlining, Is.EqualTo(1), result.ToString());
        }

        [Test]
        public void Summary_counts_what_was_left_out_and_why_apart_from_what_was_skipped()
        {
            var (result, _) = Weave(all: false);

            Assert.That(result.ToString(), Does.Contain(
                $"left out {result.LeftOut} ({Trivial.Length} trivial, 1 aggressive-inlining, {result.LeftOutCompilerGenerated} compiler-generated), skipped 0,"));
            Assert.That(result.LeftOut, Is.EqualTo(Trivial.Length + 1 + result.LeftOutCompilerGenerated));
        }

        // The trivial-body rule itself, on IL C# would not produce this small.

        static MethodBody Body(params Instruction[] code)
        {
            var module = ModuleDefinition.CreateModule("T", ModuleKind.Dll);
            var method = new MethodDefinition("M", MethodAttributes.Static, module.TypeSystem.Int32);
            foreach (var instruction in code)
                method.Body.Instructions.Add(instruction);
            method.Body.OptimizeMacros(); // computes the offsets
            return method.Body;
        }

        static MethodReference SomeMethod() =>
            new MethodReference("X", ModuleDefinition.CreateModule("U", ModuleKind.Dll).TypeSystem.Int32,
                new TypeReference("N", "T", null, null));

        [Test]
        public void A_constant_return_is_trivial_and_nops_do_not_count()
        {
            var nops = Enumerable.Range(0, 40).Select(_ => Instruction.Create(OpCodes.Nop));
            Assert.That(WeaveSelection.IsTrivial(Body(nops.Append(Instruction.Create(OpCodes.Ldc_I4_1)).Append(Instruction.Create(OpCodes.Ret)).ToArray())), Is.True);
        }

        [Test]
        public void A_body_over_the_size_limit_is_not_trivial()
        {
            // ldc.i4 is 5 bytes: three and a ret are 16, one pop more is 17.
            Instruction[] Constants() => Enumerable.Range(0, 3).Select(i => Instruction.Create(OpCodes.Ldc_I4, 1000 + i)).ToArray();
            Assert.That(WeaveSelection.IsTrivial(Body(Constants().Append(Instruction.Create(OpCodes.Ret)).ToArray())), Is.True);
            Assert.That(WeaveSelection.IsTrivial(Body(Constants().Append(Instruction.Create(OpCodes.Pop)).Append(Instruction.Create(OpCodes.Ret)).ToArray())), Is.False);
        }

        [Test]
        public void A_loop_is_not_trivial_however_small()
        {
            var ret = Instruction.Create(OpCodes.Ret);
            var top = Instruction.Create(OpCodes.Ldc_I4_0);
            Assert.That(WeaveSelection.IsTrivial(Body(top, Instruction.Create(OpCodes.Brtrue, top), Instruction.Create(OpCodes.Ldc_I4_1), ret)), Is.False);

            var forward = Instruction.Create(OpCodes.Ldc_I4_1);
            Assert.That(WeaveSelection.IsTrivial(Body(Instruction.Create(OpCodes.Ldc_I4_0), Instruction.Create(OpCodes.Brtrue, forward), forward, ret)), Is.True,
                "a forward branch is no loop");
        }

        [TestCase(Code.Call)]
        [TestCase(Code.Callvirt)]
        [TestCase(Code.Newobj)]
        public void A_call_of_any_kind_is_not_trivial(Code code)
        {
            var opCode = code == Code.Call ? OpCodes.Call : code == Code.Callvirt ? OpCodes.Callvirt : OpCodes.Newobj;
            Assert.That(WeaveSelection.IsTrivial(Body(Instruction.Create(opCode, SomeMethod()), Instruction.Create(OpCodes.Ret))), Is.False);
        }
    }
}
