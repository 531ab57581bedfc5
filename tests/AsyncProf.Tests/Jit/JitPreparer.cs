using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using System.Text;

namespace AsyncProf.Tests.Jit
{
    /// <summary>What <see cref="JitPreparer"/> did with one assembly.</summary>
    public sealed class JitReport
    {
        public int Prepared { get; set; }
        public List<string> Failures { get; } = new();
        /// <summary>Open generic methods or types no candidate type argument could close (constraints).</summary>
        public List<string> SkippedOpenGenerics { get; } = new();
        /// <summary>Methods without IL (abstract, extern, runtime-implemented delegate members).</summary>
        public int WithoutBody { get; set; }

        public override string ToString()
        {
            var text = new StringBuilder($"prepared {Prepared} methods, {Failures.Count} failed, {WithoutBody} without IL skipped, " +
                                         $"{SkippedOpenGenerics.Count} open generics skipped (no instantiation satisfies their constraints)");
            foreach (var s in SkippedOpenGenerics) text.Append("\n  skipped: ").Append(s);
            foreach (var f in Failures) text.Append("\n  FAILED: ").Append(f);
            return text.ToString();
        }
    }

    /// <summary>
    /// Forces the JIT to compile every method with a body of an assembly (RuntimeHelpers.PrepareMethod), so invalid
    /// woven IL (InvalidProgramException, BadImageFormatException, missing members, bad generic references) shows
    /// up even in methods the app never runs. The assembly is loaded into a fresh collectible load context that
    /// resolves <c>AsyncProf</c> to the runtime already loaded in the test process and every other dependency from
    /// the assembly's own folder; it is unloaded afterwards. Nothing is executed: static constructors do not run.
    /// </summary>
    public static class JitPreparer
    {
        const BindingFlags Declared = BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic |
                                      BindingFlags.Instance | BindingFlags.Static;

        public static JitReport PrepareAll(string assemblyPath)
        {
            var context = new WovenLoadContext(Path.GetDirectoryName(Path.GetFullPath(assemblyPath))!);
            try
            {
                return PrepareAll(context.LoadFromAssemblyPath(Path.GetFullPath(assemblyPath)));
            }
            finally
            {
                context.Unload();
            }
        }

        public static JitReport PrepareAll(Assembly assembly)
        {
            var report = new JitReport();
            Type[] types;
            try
            {
                types = assembly.GetTypes();
            }
            catch (ReflectionTypeLoadException e)
            {
                foreach (var le in e.LoaderExceptions.Where(x => x != null)) report.Failures.Add("type load: " + le!.Message);
                types = e.Types.Where(t => t != null).ToArray()!;
            }

            // Type arguments for constraints no basic type satisfies (INotifyCompletion, IAsyncStateMachine, the
            // app's own interfaces...): the assembly's own concrete types, then a few framework ones.
            var concrete = types.Concat(WellKnownTypes)
                .Where(t => !t.IsAbstract && !t.IsInterface && !t.ContainsGenericParameters && !t.IsByRefLike).ToList();

            foreach (var global in assembly.ManifestModule.GetMethods(Declared))
                Prepare(global, report, concrete);

            foreach (var type in types)
            {
                if (!type.IsGenericTypeDefinition)
                {
                    foreach (var method in MethodsOf(type)) Prepare(method, report, concrete);
                    continue;
                }
                var closed = Close(type.GetGenericArguments(), args => type.MakeGenericType(args), concrete);
                if (closed == null)
                {
                    var count = MethodsOf(type).Count(HasBody);
                    report.SkippedOpenGenerics.Add($"type {type.FullName} ({count} methods)");
                    continue;
                }
                foreach (var open in MethodsOf(type))
                {
                    if (!HasBody(open)) { report.WithoutBody++; continue; }
                    MethodBase onClosed;
                    try
                    {
                        onClosed = MethodBase.GetMethodFromHandle(open.MethodHandle, closed.TypeHandle)!;
                    }
                    catch (Exception e)
                    {
                        report.Failures.Add($"{Describe(open)} on {closed}: {e.GetType().Name}: {e.Message}");
                        continue;
                    }
                    Prepare(onClosed, report, concrete);
                }
            }
            return report;
        }

        static IEnumerable<MethodBase> MethodsOf(Type type) =>
            type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared));

        static bool HasBody(MethodBase method)
        {
            if (method.IsAbstract || (method.Attributes & MethodAttributes.PinvokeImpl) != 0) return false;
            var impl = method.GetMethodImplementationFlags();
            return (impl & (MethodImplAttributes.Runtime | MethodImplAttributes.InternalCall)) == 0;
        }

        static void Prepare(MethodBase method, JitReport report, List<Type> concrete)
        {
            if (!HasBody(method)) { report.WithoutBody++; return; }
            if (method is MethodInfo info && info.IsGenericMethodDefinition)
            {
                var closed = Close(info.GetGenericArguments(), args => info.MakeGenericMethod(args), concrete);
                if (closed == null)
                {
                    report.SkippedOpenGenerics.Add("method " + Describe(method));
                    return;
                }
                method = closed;
            }
            try
            {
                RuntimeHelpers.PrepareMethod(method.MethodHandle);
                report.Prepared++;
            }
            catch (Exception e)
            {
                report.Failures.Add($"{Describe(method)}: {e.GetType().Name}: {e.Message}");
            }
        }

        static readonly Type[] WellKnownTypes =
        {
            typeof(System.Runtime.CompilerServices.TaskAwaiter), typeof(System.Runtime.CompilerServices.TaskAwaiter<int>),
            typeof(System.Runtime.CompilerServices.YieldAwaitable.YieldAwaiter), typeof(Exception), typeof(ArgumentException),
        };

        /// <summary>
        /// Instantiates with typeof(object) where possible, else with the first candidates (int, string, a list,
        /// then concrete types meeting the parameter's closed constraints) that satisfy the constraints; null when
        /// none does.
        /// </summary>
        static T? Close<T>(Type[] parameters, Func<Type[], T> make, List<Type> concrete) where T : class
        {
            var candidates = parameters.Select(p => CandidatesFor(p, concrete)).ToArray();
            foreach (var combination in Combinations(candidates, 0, new Type[parameters.Length]))
            {
                try
                {
                    return make(combination);
                }
                catch (ArgumentException)
                {
                    // a constraint is not satisfied: try the next combination
                }
            }
            return null;
        }

        static List<Type> CandidatesFor(Type parameter, List<Type> concrete)
        {
            var list = new List<Type> { typeof(object), typeof(int), typeof(string), typeof(List<int>) };
            var closedConstraints = parameter.GetGenericParameterConstraints().Where(c => !c.ContainsGenericParameters).ToList();
            if (closedConstraints.Count == 0) return list;
            var special = parameter.GenericParameterAttributes & GenericParameterAttributes.SpecialConstraintMask;
            bool Fits(Type t) =>
                closedConstraints.All(c => c.IsAssignableFrom(t)) && !list.Contains(t) &&
                ((special & GenericParameterAttributes.ReferenceTypeConstraint) == 0 || !t.IsValueType) &&
                ((special & GenericParameterAttributes.NotNullableValueTypeConstraint) == 0 || (t.IsValueType && Nullable.GetUnderlyingType(t) == null)) &&
                ((special & GenericParameterAttributes.DefaultConstructorConstraint) == 0 || t.IsValueType || t.GetConstructor(Type.EmptyTypes) != null);
            list.AddRange(concrete.Where(Fits).Take(3));
            return list;
        }

        static IEnumerable<Type[]> Combinations(List<Type>[] candidates, int index, Type[] current)
        {
            if (index == candidates.Length)
            {
                yield return (Type[])current.Clone();
                yield break;
            }
            foreach (var candidate in candidates[index])
            {
                current[index] = candidate;
                foreach (var c in Combinations(candidates, index + 1, current)) yield return c;
            }
        }

        static string Describe(MethodBase method) => $"{method.DeclaringType?.FullName ?? "<Module>"}::{method}";

        sealed class WovenLoadContext : AssemblyLoadContext
        {
            readonly string directory;

            public WovenLoadContext(string directory) : base("jit-check " + directory, isCollectible: true) => this.directory = directory;

            protected override Assembly? Load(AssemblyName name)
            {
                // Woven code must bind to the very runtime the test process uses (one Probe, one Recorder).
                if (name.Name == typeof(AsyncProf.Probe).Assembly.GetName().Name)
                    return typeof(AsyncProf.Probe).Assembly;
                var candidate = Path.Combine(directory, name.Name + ".dll");
                return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
            }
        }
    }
}
