using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Emit;
using AsyncProf.Tests.Infrastructure;
using AsyncProf.Cli;
using AsyncProf.Tests.Zoo;
using NUnit.Framework;

namespace AsyncProf.Tests.Jit
{
    /// <summary>
    /// Every method of every woven fixture must compile: loads the woven assembly into a collectible context and
    /// forces the JIT on each method with a body (state machine MoveNext included, generics instantiated), so a
    /// weaver bug in a method the app never runs still fails here.
    /// </summary>
    [TestFixture]
    [NonParallelizable]
    [Category(Categories.Integration)]
    public class WovenCodeJitTests
    {
        public static IEnumerable<TestCaseData> WovenFixtures()
        {
            foreach (var configuration in ZooApp.Configurations)
                yield return new TestCaseData("AsyncZoo", configuration).SetArgDisplayNames("AsyncZoo", configuration);
            yield return new TestCaseData("SeedApp", "Release").SetArgDisplayNames("SeedApp", "Release");
            foreach (var configuration in ZooApp.Configurations)
                yield return new TestCaseData("TaskReturning", configuration).SetArgDisplayNames("TaskReturning", configuration);
        }

        [TestCaseSource(nameof(WovenFixtures))]
        public void Every_woven_method_compiles(string app, string configuration)
        {
            string wovenAssembly;
            if (app == "AsyncZoo")
            {
                wovenAssembly = ZooApp.Woven(configuration).MainAssembly;
            }
            else if (app == "TaskReturning")
            {
                wovenAssembly = EndToEnd.TaskReturningApp.Woven(configuration).MainAssembly;
            }
            else
            {
                var project = RepoPaths.Sample(app);
                if (!File.Exists(Path.Combine(project, app + ".csproj")))
                    Assert.Ignore($"samples/{app} does not exist yet");
                wovenAssembly = WovenApp.Create(ProjectBuilds.Build(project, configuration), app,
                    "jit-" + app.ToLowerInvariant() + "-" + configuration.ToLowerInvariant()).MainAssembly;
            }

            var report = JitVerifier.PrepareAll(wovenAssembly);
            TestContext.Out.WriteLine($"{app} {configuration} ({wovenAssembly}): {report}");
            Assert.That(report.Failures, Is.Empty, report.ToString());
            Assert.That(report.Prepared, Is.GreaterThan(0), "prepared methods");
            if (app == "AsyncZoo")
            {
                // The zoo's generics all have instantiable constraints: none may be skipped.
                Assert.That(report.SkippedOpenGenerics, Is.Empty, "the zoo's open generics must all be instantiated");
                Assert.That(report.Prepared, Is.GreaterThan(200), "the zoo has a few hundred methods with bodies");
            }
        }

        [Test]
        public void The_check_catches_invalid_IL_in_plain_and_generic_code()
        {
            // A dynamic assembly with the kind of error a weaver makes (a return with an empty stack), in a plain
            // method, a generic method, a method of a generic struct (unshared code) and a method of a generic class
            // (code shared by reference types), plus valid methods: the check must report exactly the four bad ones.
            var assembly = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName("JitCheckBait"), AssemblyBuilderAccess.RunAndCollect);
            var module = assembly.DefineDynamicModule("JitCheckBait");

            var plain = module.DefineType("Bait.Plain", TypeAttributes.Public | TypeAttributes.Class | TypeAttributes.Sealed);
            EmitBroken(plain.DefineMethod("Broken", MethodAttributes.Public | MethodAttributes.Static, typeof(int), Type.EmptyTypes));
            var genericMethod = plain.DefineMethod("BrokenGeneric", MethodAttributes.Public | MethodAttributes.Static, typeof(int), Type.EmptyTypes);
            genericMethod.DefineGenericParameters("U");
            EmitBroken(genericMethod);
            var fine = plain.DefineMethod("Fine", MethodAttributes.Public | MethodAttributes.Static, typeof(int), Type.EmptyTypes);
            var il = fine.GetILGenerator();
            il.Emit(OpCodes.Ldc_I4_1);
            il.Emit(OpCodes.Ret);
            plain.CreateType();

            var generic = module.DefineType("Bait.Box", TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.SequentialLayout, typeof(ValueType));
            var t = generic.DefineGenericParameters("T")[0];
            t.SetGenericParameterAttributes(GenericParameterAttributes.NotNullableValueTypeConstraint);
            EmitBroken(generic.DefineMethod("Broken", MethodAttributes.Public, typeof(int), Type.EmptyTypes));
            generic.CreateType();

            var holder = module.DefineType("Bait.Holder", TypeAttributes.Public | TypeAttributes.Class);
            holder.DefineGenericParameters("T");
            EmitBroken(holder.DefineMethod("Broken", MethodAttributes.Public, typeof(int), Type.EmptyTypes));
            holder.CreateType();

            var report = JitVerifier.PrepareAll(assembly);
            TestContext.Out.WriteLine(report.ToString());
            Assert.That(report.Failures, Has.Count.EqualTo(4), report.ToString());
            Assert.That(report.Failures, Has.All.Contains(nameof(InvalidProgramException)), report.ToString());
            Assert.That(report.Prepared, Is.EqualTo(3), "Fine and the default constructors of the two classes");
            Assert.That(report.SkippedOpenGenerics, Is.Empty);
        }

        static void EmitBroken(MethodBuilder method)
        {
            var il = method.GetILGenerator();
            il.Emit(OpCodes.Ret); // returns int with nothing on the stack
        }
    }
}
