using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using System.Threading.Tasks;
using AsyncProf.Weaver;
using AsyncProf.Weaver.Instrumentation;
using Mono.Cecil;
using Mono.Cecil.Cil;
using NUnit.Framework;

namespace AsyncProf.Tests.Weaver.Instrumentation
{
    /// <summary>
    /// Weaves a copy of the weaver samples fixture once and checks what happened to the code in WeaverSamples.cs: the
    /// method table (names, kinds, source lines), the IL shapes, and that the woven code JITs and still works.
    /// </summary>
    [TestFixture]
    public class WovenSamplesTests
    {
        const string Ns = "AsyncProf.Tests.Weaver.Samples.";

        string wovenPath = null!;
        WeaveResult result = null!;
        RecordingWeaverLog log = null!;
        ModuleDefinition woven = null!;
        Dictionary<string, string[]> table = null!;

        [OneTimeSetUp]
        public void WeaveCopy()
        {
            var folder = WeaverTestFiles.NewFolder("samples");
            var input = WeaverTestFiles.CopySamplesAssembly(folder);
            wovenPath = Path.Combine(folder, "woven", Path.GetFileName(input));
            log = new RecordingWeaverLog();
            // WeaveAll: the samples are small on purpose (`() => 1`, `Get() => 1`): names and IL shapes are the point
            // here; what is left out by default is WeaveSelectionTests'.
            result = AssemblyWeaver.WeaveFile(input, wovenPath, new WeaverSettings { WeaveAll = true }, log);
            woven = WeaverTestFiles.ReadWithSymbols(wovenPath);
            table = WeaverTestFiles.ReadMethodTable(woven)
                .Select(line => line.Split('\t'))
                .GroupBy(columns => columns[1])
                .ToDictionary(g => g.Key, g => g.First());
        }

        [OneTimeTearDown]
        public void Dispose() => woven?.Dispose();

        [TestCase("Repo<T>.Convert<U>", "async")]
        [TestCase("Repo<T>.Repeat", "iterator")]
        [TestCase("Repo<T>.RepeatAsync", "async-iterator")]
        [TestCase("Repo<T>.Inner.Get", "sync")]
        [TestCase("Outer.MakeLambda", "sync")]
        [TestCase("Outer.MakeLambda.lambda#1", "sync")]
        [TestCase("Outer.TwoLambdas.lambda#1", "sync")]
        [TestCase("Outer.TwoLambdas.lambda#2", "sync")]
        [TestCase("Outer.WithLocal.Square", "sync")]
        [TestCase("Outer.Capture.lambda#1", "sync")]
        [TestCase("Outer.WithAsyncLambda", "async")]
        [TestCase("Outer.WithAsyncLambda.lambda#1", "async")]
        [TestCase("Point..ctor", "sync")]
        [TestCase("Outer.Mixed.lambda#1", "sync")]
        [TestCase("Outer.Mixed.Helper", "sync")]
        [TestCase("Outer.Overloaded.lambda#2", "sync")]
        public void Method_table_names_user_methods_the_way_they_were_written(string name, string kind)
        {
            Assert.That(table.ContainsKey(Ns + name), "missing " + name + "; samples in the table:\n" +
                string.Join("\n", table.Keys.Where(k => k.StartsWith(Ns))));
            Assert.That(table[Ns + name][0], Is.EqualTo(kind));
        }

        [Test]
        public void Plumbing_and_mangled_names_are_not_in_the_table()
        {
            var names = table.Keys.Where(k => k.StartsWith(Ns)).ToList();
            Assert.That(names, Has.None.Contains("MoveNext"));
            Assert.That(names, Has.None.Contains("<>").And.None.Contains(">b__").And.None.Contains(">g__").And.None.Contains(">d__"));
            Assert.That(names, Has.None.Contains("get_Prop"), "auto-property accessors are compiler plumbing");
            Assert.That(names, Has.None.Contains("Point.Equals"), "record members are compiler plumbing");
        }

        [Test]
        public void Lambdas_are_numbered_per_method_in_source_order()
        {
            var names = WeaverTestFiles.ReadMethodTable(woven).Select(l => l.Split('\t')[1]).ToList();
            // one per overload; the second is numbered, since no two functions share a name (issue 7)
            Assert.That(names.Count(n => n == Ns + "Outer.Overloaded.lambda#1"), Is.EqualTo(1));
            Assert.That(names.Count(n => n == Ns + "Outer.Overloaded.lambda#1 (2)"), Is.EqualTo(1));
            Assert.That(names.Count(n => n == Ns + "Outer.Overloaded.lambda#2"), Is.EqualTo(1));
            Assert.That(names, Has.None.EqualTo(Ns + "Outer.Mixed.lambda#2"), "the local function's ordinal is not a lambda number");
        }

        [Test]
        public void Reused_enumerator_objects_start_a_fresh_call()
        {
            // GetEnumerator hands out the finished state machine itself again: the call restarts where it re-initializes it.
            var repo = woven.GetType(Ns.TrimEnd('.') + ".Repo`1");
            foreach (var prefix in new[] { "<Repeat>", "<RepeatAsync>" })
            {
                var machine = repo.NestedTypes.Single(t => t.Name.StartsWith(prefix));
                var getEnumerator = machine.Methods.Single(m => m.Name.EndsWith("IEnumerable<T>.GetEnumerator") ||
                                                                m.Name.EndsWith("IAsyncEnumerable<T>.GetAsyncEnumerator"));
                var restart = getEnumerator.Body.Instructions.SingleOrDefault(i => i.Operand is MethodReference m && m.Name == "Restart");
                Assert.That(restart, Is.Not.Null, machine.Name);
                Assert.That(((FieldReference)restart!.Previous.Operand).Name, Is.EqualTo("<>ap__call"));
                var stateStore = restart.Previous.Previous.Previous;
                Assert.That(stateStore.OpCode, Is.EqualTo(OpCodes.Stfld), "right after the state is re-initialized");
            }
        }

        [Test]
        public void Table_lines_carry_the_source_file_and_first_line()
        {
            var convert = table[Ns + "Repo<T>.Convert<U>"];
            Assert.That(convert.Length, Is.EqualTo(4));
            Assert.That(Path.GetFileName(convert[2]), Is.EqualTo("WeaverSamples.cs"));
            Assert.That(int.Parse(convert[3]), Is.InRange(12, 14), "first statement of Convert in WeaverSamples.cs");
        }

        [Test]
        public void Table_text_has_no_trailing_newline_and_four_columns_per_line()
        {
            var lines = WeaverTestFiles.ReadMethodTable(woven);
            Assert.That(lines, Has.Length.EqualTo(result.Total));
            Assert.That(lines, Has.All.Matches<string>(l => l.Split('\t').Length == 4 && l.Length > 0));
        }

        [Test]
        public void Marker_type_is_static_with_a_precise_initializer()
        {
            var marker = woven.Types.Single(t => t.Name == "<AsyncProf>MethodTable");
            Assert.That(marker.Namespace, Is.Empty);
            Assert.That(marker.IsAbstract && marker.IsSealed, "static class");
            Assert.That(marker.IsBeforeFieldInit, Is.False, "RegisterModule must run exactly when Base is first read");
            var baseField = marker.Fields.Single(f => f.Name == "Base");
            Assert.That(baseField.IsPublic && baseField.IsStatic && baseField.IsInitOnly);
            var cctor = marker.Methods.Single(m => m.Name == ".cctor");
            Assert.That(cctor.Body.Instructions.Any(i => i.Operand is MethodReference m && m.Name == "RegisterModule" &&
                m.DeclaringType.FullName == "AsyncProf.Probe" && m.DeclaringType.Scope.Name == "AsyncProf"));
        }

        [Test]
        public void Generic_state_machine_references_its_call_field_through_its_own_instantiation()
        {
            var machine = woven.GetType(Ns.TrimEnd('.') + ".Repo`1").NestedTypes.Single(t => t.Name.StartsWith("<Convert>"));
            Assert.That(machine.Fields.Any(f => f.Name == "<>ap__call" && f.FieldType.FullName == "AsyncProf.AsyncCall"));
            var moveNext = machine.Methods.Single(m => m.Name == "MoveNext");
            var callFieldUses = moveNext.Body.Instructions
                .Where(i => i.Operand is FieldReference f && f.Name == "<>ap__call").ToList();
            Assert.That(callFieldUses, Is.Not.Empty);
            Assert.That(callFieldUses.Select(i => ((FieldReference)i.Operand).DeclaringType), Has.All.InstanceOf<GenericInstanceType>());
        }

        [Test]
        public void Async_kickoff_stub_is_not_instrumented()
        {
            var kickoff = woven.GetType(Ns.TrimEnd('.') + ".Repo`1").Methods.Single(m => m.Name == "Convert");
            Assert.That(kickoff.Body.Instructions.Any(i => i.Operand is MemberReference m && m.DeclaringType?.FullName == "AsyncProf.Probe"), Is.False);
        }

        [Test]
        public void Only_the_builder_SetResult_completes_the_call()
        {
            var machine = woven.GetType(Ns.TrimEnd('.') + ".Outer").NestedTypes.Single(t => t.Name.StartsWith("<UsesCompletionSource>"));
            var calls = machine.Methods.Single(m => m.Name == "MoveNext").Body.Instructions
                .Where(i => i.OpCode == OpCodes.Call || i.OpCode == OpCodes.Callvirt).ToList();
            var completes = calls.Where(i => ((MethodReference)i.Operand).Name == "Complete" &&
                                             ((MethodReference)i.Operand).DeclaringType.Name == "Probe").ToList();
            Assert.That(completes, Has.Count.EqualTo(1));
            var next = completes[0].Next;
            Assert.That(((MethodReference)next.Operand).DeclaringType.Name, Does.StartWith("AsyncTaskMethodBuilder"));
        }

        [Test]
        public void Suspend_is_recorded_right_before_every_builder_await()
        {
            foreach (var machine in woven.Types.SelectMany(t => t.NestedTypes).Where(t => t.Fields.Any(f => f.Name == "<>ap__call")))
            {
                var moveNext = machine.Methods.Single(m => m.Name == "MoveNext");
                foreach (var call in moveNext.Body.Instructions.Where(i => i.Operand is MethodReference m &&
                             (m.Name == "AwaitUnsafeOnCompleted" || m.Name == "AwaitOnCompleted")))
                {
                    // Task.Yield's awaiter queues the continuation at once: that suspension is all queued time
                    var awaiter = ((GenericInstanceMethod)call.Operand).GenericArguments[0].FullName;
                    var expected = awaiter == "System.Runtime.CompilerServices.YieldAwaitable/YieldAwaiter" ? "SuspendQueued" : "Suspend";
                    Assert.That(((MethodReference)call.Previous.Operand).Name, Is.EqualTo(expected), machine.FullName + " awaiting " + awaiter);
                }
            }
        }

        [Test]
        public void The_samples_await_both_kinds_of_awaiter()
        {
            var awaiters = woven.Types.SelectMany(t => t.NestedTypes).Where(t => t.Fields.Any(f => f.Name == "<>ap__call"))
                .SelectMany(t => t.Methods.Single(m => m.Name == "MoveNext").Body.Instructions)
                .Where(i => i.Operand is GenericInstanceMethod m && (m.Name == "AwaitUnsafeOnCompleted" || m.Name == "AwaitOnCompleted"))
                .Select(i => ((MethodReference)i.Previous.Operand).Name).Distinct().ToList();
            Assert.That(awaiters, Is.EquivalentTo(new[] { "Suspend", "SuspendQueued" }), "the test above must see both");
        }

        [Test]
        public void Symbols_are_written_back_in_order_with_hidden_points_for_injected_code()
        {
            Assert.That(woven.HasSymbols, "the portable pdb was written beside the output and matches it");
            var method = woven.GetType(Ns.TrimEnd('.') + ".Outer").Methods.Single(m => m.Name == "Throws");
            var points = method.DebugInformation.SequencePoints;
            Assert.That(points.Select(p => p.Offset), Is.Ordered.Ascending);
            Assert.That(points.Select(p => p.Offset).Distinct().Count(), Is.EqualTo(points.Count));
            Assert.That(points[0].Offset, Is.Zero);
            Assert.That(points[0].IsHidden, "the injected prologue is hidden from debuggers");
            Assert.That(points.Any(p => !p.IsHidden && p.StartLine > 0));
        }

        [Test]
        public void Woven_samples_jit_and_still_work()
        {
            var context = new AssemblyLoadContext("woven-samples", isCollectible: true);
            try
            {
                var assembly = context.LoadFromAssemblyPath(Path.GetFullPath(wovenPath));
                var samples = assembly.GetTypes().Where(t => (t.Namespace + ".").StartsWith(Ns)).ToList();
                Assert.That(samples, Is.Not.Empty);
                foreach (var type in samples)
                foreach (var method in type.GetMethods(BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Static |
                                                       BindingFlags.Public | BindingFlags.NonPublic).Cast<MethodBase>()
                             .Concat(type.GetConstructors(BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Static |
                                                          BindingFlags.Public | BindingFlags.NonPublic)))
                {
                    if (method.GetMethodBody() == null)
                        continue;
                    var instantiation = (type.IsGenericTypeDefinition ? type.GetGenericArguments() : Type.EmptyTypes)
                        .Concat(method.IsGenericMethodDefinition ? method.GetGenericArguments() : Type.EmptyTypes)
                        .Select(_ => typeof(object).TypeHandle).ToArray();
                    Assert.DoesNotThrow(() => RuntimeHelpers.PrepareMethod(method.MethodHandle, instantiation),
                        type.FullName + "::" + method.Name);
                }

                var outer = assembly.GetType(Ns + "Outer")!;
                Assert.That(outer.GetMethod("WithLocal")!.Invoke(null, new object[] { 3 }), Is.EqualTo(9));
                Assert.That(((Task<int>)outer.GetMethod("WithAsyncLambda")!.Invoke(null, null)!).GetAwaiter().GetResult(), Is.EqualTo(1));
                var thrown = Assert.Throws<TargetInvocationException>(() => outer.GetMethod("Throws")!.Invoke(null, new object[] { 1 }));
                Assert.That(thrown!.InnerException, Is.InstanceOf<InvalidOperationException>());

                var repo = Activator.CreateInstance(assembly.GetType(Ns + "Repo`1")!.MakeGenericType(typeof(int)))!;
                var repeated = (System.Collections.IEnumerable)repo.GetType().GetMethod("Repeat")!.Invoke(repo, new object[] { 4, 3 })!;
                Assert.That(repeated.Cast<int>(), Is.EqualTo(new[] { 4, 4, 4 }));
                var convert = repo.GetType().GetMethod("Convert")!.MakeGenericMethod(typeof(string));
                var converted = (Task<string>)convert.Invoke(repo, new object[] { 5, new Func<int, string>(i => "#" + i) })!;
                Assert.That(converted.GetAwaiter().GetResult(), Is.EqualTo("#5"));
            }
            finally
            {
                context.Unload();
            }
        }

        [Test]
        public void Profiled_copies_call_each_other_direct_where_the_call_is_not_chosen_at_run_time()
        {
            var calls = woven.GetType(Ns + "Calls");
            string[] Targets(string method) => calls.Methods.Single(m => m.Name == method).Body.Instructions
                .Where(i => i.OpCode == OpCodes.Call || i.OpCode == OpCodes.Callvirt)
                .Select(i => (MethodReference)i.Operand)
                .Where(m => m.DeclaringType.Namespace + "." == Ns || m.DeclaringType.GetElementType().Namespace + "." == Ns)
                .Select(m => m.Name).ToArray();

            var profiled = Targets("All" + ProfiledCopy.Suffix);
            Assert.That(profiled, Is.SupersetOf(new[] { "Twice", "Step", "Square", "Length", "Pick", "Base" }.Select(n => n + ProfiledCopy.Suffix)),
                "static, instance (callvirt), generic type (both ways) and generic method calls go to the copies");
            Assert.That(profiled, Does.Contain("Virtual").And.Contain("Locked"),
                "a virtual call stays dispatched; a synchronized method is entered through its forwarder, which locks");
            Assert.That(Targets("All").Where(n => n.EndsWith(ProfiledCopy.Suffix)), Is.EqualTo(new[] { "All" + ProfiledCopy.Suffix }),
                "the original, which runs idle, calls originals: only its forwarder names a copy");
            Assert.That(result.DirectCalls, Is.GreaterThanOrEqualTo(6));
            Assert.That(calls.Methods.Single(m => m.Name == "Twice" + ProfiledCopy.Suffix).IsAssembly, "internal, so other types' copies may call it");
        }

        [Test]
        public void Direct_calls_between_copies_record_each_callee_once_per_call()
        {
            var context = new AssemblyLoadContext("woven-direct-calls", isCollectible: true);
            var profile = Path.Combine(WeaverTestFiles.NewFolder("direct-calls"), "profile.json");
            try
            {
                var type = context.LoadFromAssemblyPath(Path.GetFullPath(wovenPath)).GetType(Ns + "Calls")!;
                var all = type.GetMethod("All")!;
                var instance = Activator.CreateInstance(type);
                Assert.That(all.Invoke(instance, new object[] { 1 }), Is.EqualTo(36), "idle");
                Profiler.Start();
                try { Assert.That(all.Invoke(instance, new object[] { 1 }), Is.EqualTo(36), "recording"); }
                finally { Profiler.Stop(); }
                Profiler.Save(profile);
            }
            finally
            {
                context.Unload();
            }

            using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(profile));
            var functions = json.RootElement.GetProperty("functions").EnumerateArray()
                .ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("calls").GetInt64());
            foreach (var callee in new[] { "Calls.All", "Calls.Twice", "Calls.Step", "Calls.Virtual", "Calls.Locked", "Box<T>.Square", "Box<T>.Length", "Calls.Pick<T>", "Calls.Base" })
                Assert.That(functions.TryGetValue(Ns + callee, out var n) ? n : 0, Is.EqualTo(1), callee);
        }

        [Test]
        public void Only_state_machines_nobody_attributed_are_skipped()
        {
            // Only hand-written IAsyncStateMachine classes may be skipped (the samples hold none now that they left the test assembly, whose RecorderTests has one); nothing else may be.
            Assert.That(log.Warnings.Select(w => w.Message), Has.All.Contains("IAsyncStateMachine without a kickoff"));
            Assert.That(result.Skipped, Is.EqualTo(log.Warnings.Count));
            Assert.That(result.AsyncMethods, Is.GreaterThan(0));
            Assert.That(result.Iterators, Is.GreaterThan(0));
            Assert.That(result.AsyncIterators, Is.GreaterThan(0));
        }
    }
}
