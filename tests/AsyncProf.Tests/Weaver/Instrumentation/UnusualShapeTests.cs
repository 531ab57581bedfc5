using System;
using System.IO;
using System.Linq;
using System.Runtime.Loader;
using AsyncProf.Weaver;
using AsyncProf.Weaver.Instrumentation;
using BindingFlags = System.Reflection.BindingFlags;
using Mono.Cecil;
using Mono.Cecil.Cil;
using NUnit.Framework;

namespace AsyncProf.Tests.Weaver.Instrumentation
{
    /// <summary>
    /// Shapes C# does not produce, built directly with Cecil: methods the weaver must skip with a warning, and IL
    /// it must wrap correctly anyway.
    /// </summary>
    [TestFixture]
    public class UnusualShapeTests
    {
        AssemblyDefinition assembly = null!;
        ModuleDefinition module = null!;
        TypeDefinition type = null!;

        [SetUp]
        public void CreateModule()
        {
            assembly = AssemblyDefinition.CreateAssembly(new AssemblyNameDefinition("Shapes", new Version(1, 0)), "Shapes", ModuleKind.Dll);
            module = assembly.MainModule;
            type = new TypeDefinition("N", "C", TypeAttributes.Public | TypeAttributes.Abstract | TypeAttributes.Sealed, module.TypeSystem.Object);
            module.Types.Add(type);
        }

        [TearDown]
        public void DisposeModule() => assembly.Dispose();

        MethodDefinition AddStatic(string name, TypeReference returnType)
        {
            var method = new MethodDefinition(name, MethodAttributes.Public | MethodAttributes.Static, returnType);
            type.Methods.Add(method);
            return method;
        }

        [Test]
        public void Runtime_async_method_awaiting_through_an_unknown_helper_is_skipped_with_a_warning_naming_it()
        {
            // Runtime-async methods are woven (Weaver/RuntimeAsyncMethodWeaver); one that awaits through an
            // AsyncHelpers method the weaver does not know is left alone, and says so.
            var method = AddStatic("Later", module.TypeSystem.Void);
            method.ImplAttributes |= (MethodImplAttributes)0x2000;
            var helpers = new TypeReference("System.Runtime.CompilerServices", "AsyncHelpers", module, module.TypeSystem.CoreLibrary);
            var unknown = new MethodReference("AwaitSomethingNew", module.TypeSystem.Void, helpers) { HasThis = false };
            var il = method.Body.GetILProcessor();
            il.Emit(OpCodes.Call, unknown);
            il.Emit(OpCodes.Ret);
            var log = new RecordingWeaverLog();

            var result = AssemblyWeaver.WeaveModule(module, new WeaverSettings(), log);

            Assert.That(result.Skipped, Is.EqualTo(1));
            Assert.That(result.Total, Is.Zero);
            Assert.That(log.Warnings.Single().Message, Does.StartWith("N.C.Later: awaits through AsyncHelpers.AwaitSomethingNew"));
            Assert.That(method.Body.Instructions, Has.Count.EqualTo(2), "left untouched");
        }

        [Test]
        public void Method_with_tail_calls_is_skipped_so_its_recursion_keeps_constant_stack()
        {
            // F#-style: "tail. call Loop; ret". Wrapped in try/fault, the tail call would become an ordinary call.
            var method = AddStatic("Loop", module.TypeSystem.Int32);
            method.Parameters.Add(new ParameterDefinition(module.TypeSystem.Int32));
            var il = method.Body.GetILProcessor();
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Tail);
            il.Emit(OpCodes.Call, method);
            il.Emit(OpCodes.Ret);
            var log = new RecordingWeaverLog();

            var result = AssemblyWeaver.WeaveModule(module, new WeaverSettings(), log);

            Assert.That(result.Skipped, Is.EqualTo(1));
            Assert.That(log.Warnings.Single().Message, Does.StartWith("N.C.Loop: method makes tail calls"));
            Assert.That(method.Body.Instructions, Has.Count.EqualTo(4), "left untouched");
        }

        [Test]
        public void State_machine_without_kickoff_attribute_is_skipped_with_a_warning()
        {
            // What F# task { } compiles to in Release: an IAsyncStateMachine no [AsyncStateMachine] names.
            var machineInterface = new TypeReference("System.Runtime.CompilerServices", "IAsyncStateMachine", module, module.TypeSystem.CoreLibrary);
            var machine = new TypeDefinition("", "Work@12", TypeAttributes.NestedPublic | TypeAttributes.Sealed, module.TypeSystem.Object);
            machine.Interfaces.Add(new InterfaceImplementation(machineInterface));
            type.NestedTypes.Add(machine);
            var moveNext = new MethodDefinition("MoveNext", MethodAttributes.Public | MethodAttributes.Virtual, module.TypeSystem.Void);
            moveNext.Body.GetILProcessor().Emit(OpCodes.Ret);
            machine.Methods.Add(moveNext);
            var log = new RecordingWeaverLog();

            var result = AssemblyWeaver.WeaveModule(module, new WeaverSettings(), log);

            Assert.That(result.Skipped, Is.EqualTo(1));
            Assert.That(log.Warnings.Single().Message, Does.Contain("IAsyncStateMachine without a kickoff").And.Contains("F#"));
            Assert.That(moveNext.Body.Instructions, Has.Count.EqualTo(1), "not woven as an ordinary method");
        }

        [Test]
        public void Every_return_goes_through_one_epilogue_inside_a_fault_region()
        {
            var method = AddStatic("Sign", module.TypeSystem.Int32);
            method.Parameters.Add(new ParameterDefinition(module.TypeSystem.Int32));
            var il = method.Body.GetILProcessor();
            var negative = il.Create(OpCodes.Ldc_I4_M1);
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldc_I4_0);
            il.Emit(OpCodes.Blt_S, negative);
            il.Emit(OpCodes.Ldc_I4_1);
            il.Emit(OpCodes.Ret);
            il.Append(negative);
            il.Emit(OpCodes.Ret);

            AssemblyWeaver.WeaveModule(module, new WeaverSettings(), NullWeaverLog.Instance);

            var body = ProfiledCopyOf(method).Body;
            Assert.That(body.Instructions.Count(i => i.OpCode == OpCodes.Ret), Is.EqualTo(1));
            var fault = body.ExceptionHandlers.Single();
            Assert.That(fault.HandlerType, Is.EqualTo(ExceptionHandlerType.Fault));
            Assert.That(Call(method, -5), Is.EqualTo(-1));
            Assert.That(Call(method, 5), Is.EqualTo(1));
            Assert.That(CallRecording(method, -5), Is.EqualTo(-1));
            Assert.That(CallRecording(method, 5), Is.EqualTo(1));
        }

        [Test]
        public void Idle_a_method_runs_its_own_body_which_forwards_to_the_profiled_copy_only_while_recording()
        {
            var method = AddStatic("Twice", module.TypeSystem.Int32);
            method.Parameters.Add(new ParameterDefinition(module.TypeSystem.Int32));
            var il = method.Body.GetILProcessor();
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldc_I4_2);
            il.Emit(OpCodes.Mul);
            il.Emit(OpCodes.Ret);

            AssemblyWeaver.WeaveModule(module, new WeaverSettings { WeaveAll = true }, NullWeaverLog.Instance); // trivial: left out by default

            var original = method.Body;
            Assert.That(original.ExceptionHandlers, Is.Empty, "no exception region on the idle path");
            Assert.That(original.Instructions.Select(i => i.OpCode), Is.EqualTo(new[]
            {
                OpCodes.Ldsfld, OpCodes.Brfalse_S, OpCodes.Ldarg_0, OpCodes.Call, OpCodes.Ret, // if (Probe.Active) return Twice$profiled(x);
                OpCodes.Ldarg_0, OpCodes.Ldc_I4_2, OpCodes.Mul, OpCodes.Ret,                   // the original body, untouched
            }));
            Assert.That(((MethodReference)original.Instructions[3].Operand).Name, Is.EqualTo("Twice" + ProfiledCopy.Suffix));
            Assert.That(ProfiledCopyOf(method).IsAssembly, Is.True, "internal: other types' copies call it direct");
            Assert.That(Call(method, 21), Is.EqualTo(42));
            Assert.That(CallRecording(method, 21), Is.EqualTo(42));
        }

        MethodDefinition ProfiledCopyOf(MethodDefinition method) =>
            type.Methods.Single(m => m.Name == method.Name + ProfiledCopy.Suffix);

        object CallRecording(MethodDefinition method, params object[] arguments)
        {
            Profiler.Start();
            try { return Call(method, arguments); }
            finally { Profiler.Stop(); }
        }

        [Test]
        public void Handler_running_to_the_end_of_the_method_is_closed_before_the_added_code()
        {
            // br TRY; DONE: ldc.i4 7; ret; TRY: .try { leave DONE } catch { throw } -- the catch ends the method.
            var method = AddStatic("Seven", module.TypeSystem.Int32);
            var il = method.Body.GetILProcessor();
            var done = il.Create(OpCodes.Ldc_I4_7);
            var tryStart = il.Create(OpCodes.Leave, done);
            var handlerStart = il.Create(OpCodes.Throw);
            il.Emit(OpCodes.Br, tryStart);
            il.Append(done);
            il.Emit(OpCodes.Ret);
            il.Append(tryStart);
            il.Append(handlerStart);
            method.Body.ExceptionHandlers.Add(new ExceptionHandler(ExceptionHandlerType.Catch)
            {
                CatchType = module.ImportReference(typeof(Exception)),
                TryStart = tryStart, TryEnd = handlerStart, HandlerStart = handlerStart, HandlerEnd = null,
            });

            AssemblyWeaver.WeaveModule(module, new WeaverSettings(), NullWeaverLog.Instance);

            var copy = ProfiledCopyOf(method).Body;
            var original = copy.ExceptionHandlers.First();
            Assert.That(original.HandlerEnd, Is.Not.Null);
            Assert.That(original.HandlerEnd.Previous, Is.SameAs(original.HandlerStart));
            Assert.That(original.HandlerStart.OpCode, Is.EqualTo(OpCodes.Throw));
            Assert.That(Call(method), Is.EqualTo(7));
            Assert.That(CallRecording(method), Is.EqualTo(7));
        }

        [Test]
        public void Weaving_a_module_in_memory_leaves_signing_to_its_host()
        {
            // Fody (the host of WeaveModule) signs the assembly itself after every addin ran: no warning here.
            // WeaveFile, which writes the file, re-signs with WeaverSettings.StrongNameKeyFile or warns.
            assembly.Name.PublicKey = new byte[160];
            module.Attributes |= ModuleAttributes.StrongNameSigned;
            var log = new RecordingWeaverLog();

            AssemblyWeaver.WeaveModule(module, new WeaverSettings(), log);

            Assert.That(log.Warnings.Where(w => w.Message.Contains("strong-name")), Is.Empty);
        }

        [Test]
        public void Plumbing_is_left_alone()
        {
            var accessor = AddStatic("get_Value", module.TypeSystem.Int32);
            accessor.CustomAttributes.Add(new CustomAttribute(module.ImportReference(
                typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute).GetConstructor(Type.EmptyTypes))));
            accessor.Body.GetILProcessor().Emit(OpCodes.Ldc_I4_0);
            accessor.Body.GetILProcessor().Emit(OpCodes.Ret);

            var result = AssemblyWeaver.WeaveModule(module, new WeaverSettings(), NullWeaverLog.Instance);

            Assert.That(result.Total, Is.Zero);
            Assert.That(result.Skipped, Is.Zero, "plumbing is not an unsupported shape");
            Assert.That(accessor.Body.Instructions, Has.Count.EqualTo(2));
        }

        /// <summary>Writes the module, loads it beside the real runtime (profiling inactive) and calls N.C::name.</summary>
        object Call(MethodDefinition method, params object[] arguments)
        {
            var image = new MemoryStream();
            assembly.Write(image);
            image.Position = 0;
            var context = new AssemblyLoadContext("shapes", isCollectible: true);
            try
            {
                var loaded = context.LoadFromStream(image);
                return loaded.GetType("N.C")!.GetMethod(method.Name, BindingFlags.Public | BindingFlags.Static)!.Invoke(null, arguments)!;
            }
            finally
            {
                context.Unload();
            }
        }
    }
}
