using System;
using System.IO;
using System.Linq;
using AsyncProf.Weaver;
using Mono.Cecil;
using NUnit.Framework;

namespace AsyncProf.Tests.Weaver.IO
{
    /// <summary>Bad input is refused with one line "&lt;file&gt;: &lt;problem&gt;", and nothing is written.</summary>
    [TestFixture]
    public class InputRefusalTests
    {
        string folder = null!;

        [SetUp]
        public void CreateFolder() => folder = WeaverTestFiles.NewFolder("refusal");

        string Output => Path.Combine(folder, "out.dll");

        WeavingException Refused(string input)
        {
            var error = Assert.Throws<WeavingException>(() =>
                AssemblyWeaver.WeaveFile(input, Output, new WeaverSettings(), NullWeaverLog.Instance));
            Assert.That(error!.Message, Does.StartWith(input + ": "));
            Assert.That(error.Message, Does.Not.Contain("\n"));
            Assert.That(File.Exists(Output), Is.False, "nothing may be written for refused input");
            Assert.That(Directory.GetFiles(folder, "*.tmp"), Is.Empty);
            return error;
        }

        [Test]
        public void Missing_file()
        {
            var error = Refused(Path.Combine(folder, "nope.dll"));
            Assert.That(error.Message, Does.EndWith("file not found"));
        }

        [Test]
        public void Not_a_dotnet_assembly()
        {
            var text = Path.Combine(folder, "text.dll");
            File.WriteAllText(text, "not a PE file");
            Assert.That(Refused(text).Message, Does.Contain("not a .NET assembly"));
        }

        [Test]
        public void ReadyToRun_image()
        {
            // The shared framework ships precompiled (ReadyToRun) images.
            var linq = typeof(Enumerable).Assembly.Location;
            using (var module = ModuleDefinition.ReadModule(linq))
                Assume.That((module.Attributes & ModuleAttributes.ILLibrary) != 0, "this runtime's System.Linq.dll is not ReadyToRun");
            Assert.That(Refused(linq).Message, Does.EndWith("ReadyToRun image: weave the IL build instead"));
        }

        [Test]
        public void Reference_assembly()
        {
            var path = Path.Combine(folder, "Ref.dll");
            using (var assembly = AssemblyDefinition.CreateAssembly(new AssemblyNameDefinition("Ref", new Version(1, 0)), "Ref", ModuleKind.Dll))
            {
                var module = assembly.MainModule;
                var attributeType = new TypeReference("System.Runtime.CompilerServices", "ReferenceAssemblyAttribute", module, module.TypeSystem.CoreLibrary);
                var constructor = new MethodReference(".ctor", module.TypeSystem.Void, attributeType) { HasThis = true };
                assembly.CustomAttributes.Add(new CustomAttribute(constructor));
                assembly.Write(path);
            }
            Assert.That(Refused(path).Message, Does.Contain("reference assembly"));
        }

        [Test]
        public void Already_woven_assembly()
        {
            var input = WeaverTestFiles.CopySamplesAssembly(folder);
            var once = Path.Combine(folder, "once", Path.GetFileName(input));
            AssemblyWeaver.WeaveFile(input, once, new WeaverSettings(), NullWeaverLog.Instance);
            Assert.That(Refused(once).Message, Does.EndWith("already woven by AsyncProf"));
        }

        [Test]
        public void The_runtime_itself()
        {
            Assert.That(Refused(typeof(AsyncProf.Probe).Assembly.Location).Message, Does.Contain("AsyncProf runtime"));
        }

        [Test]
        public void Already_woven_module_in_memory()
        {
            var input = WeaverTestFiles.CopySamplesAssembly(folder);
            using (var module = ModuleDefinition.ReadModule(input, new ReaderParameters { InMemory = true }))
            {
                AssemblyWeaver.WeaveModule(module, new WeaverSettings(), NullWeaverLog.Instance);
                var error = Assert.Throws<WeavingException>(() => AssemblyWeaver.WeaveModule(module, new WeaverSettings(), NullWeaverLog.Instance));
                Assert.That(error!.Message, Does.EndWith(": already woven by AsyncProf"));
            }
        }
    }
}
