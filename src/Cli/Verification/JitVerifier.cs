using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using System.Text;

namespace AsyncProf.Cli
{
    /// <summary>What <see cref="JitVerifier"/> did with one assembly.</summary>
    public sealed class JitReport
    {
        public int Prepared { get; set; }
        public List<string> Failures { get; } = new();
        /// <summary>The first failure, said for a user: the method, the IL offset when it can be found, the JIT's complaint.</summary>
        public string? FirstFailure { get; set; }
        /// <summary>A referenced assembly found in none of the folders searched, when that is what stopped the check.</summary>
        public string? MissingReference { get; set; }
        /// <summary>Open generic methods or types no candidate type argument could close (constraints).</summary>
        public List<string> SkippedOpenGenerics { get; } = new();
        internal (MethodBase method, Exception error)? FirstFailed { get; set; }
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
    /// up even in methods the app never runs: <c>asyncprof verify</c>, <c>weave --verify</c> and the tests. The
    /// assembly is loaded into a fresh collectible load context that resolves <c>AsyncProf</c> to the runtime this
    /// process has loaded and every other dependency from the given folders; it is unloaded afterwards. Nothing is
    /// executed: static constructors do not run.
    /// </summary>
    public static class JitVerifier
    {
        const BindingFlags Declared = BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic |
                                      BindingFlags.Instance | BindingFlags.Static;

        public static JitReport PrepareAll(string assemblyPath) =>
            Verify(assemblyPath, new[] { Path.GetDirectoryName(Path.GetFullPath(assemblyPath))! });

        /// <summary>Compiles every method of the assembly at <paramref name="assemblyPath"/>, resolving its references from <paramref name="referenceFolders"/>.</summary>
        public static JitReport Verify(string assemblyPath, IEnumerable<string> referenceFolders)
        {
            var full = Path.GetFullPath(assemblyPath);
            var folders = new List<string> { Path.GetDirectoryName(full)! };
            folders.AddRange(referenceFolders);
            var context = new WovenLoadContext(folders);
            JitReport report;
            try
            {
                report = PrepareAll(context.LoadFromAssemblyPath(full));
            }
            catch (Exception e) when (e is FileNotFoundException || e is FileLoadException)
            {
                report = new JitReport();
                report.Failures.Add("load: " + e.Message);
                report.MissingReference = Missing(e);
            }
            catch (Exception e) when (!(e is OutOfMemoryException))
            {
                report = new JitReport();
                report.Failures.Add("load: " + e.GetType().Name + ": " + e.Message);
                report.FirstFailure = $"the runtime refuses to load it: {InWords(e)}";
            }
            finally
            {
                context.Unload();
            }
            if (report.FirstFailure == null && report.MissingReference == null && report.FirstFailed != null)
                report.FirstFailure = Explain(full, report.FirstFailed.Value.method, report.FirstFailed.Value.error);
            return report;
        }

        /// <summary>The method, the IL offset where its stack goes wrong (read back with Cecil), and the JIT's exception.</summary>
        static string Explain(string path, MethodBase method, Exception error)
        {
            var what = $"{Describe(method)}: {InWords(error)}";
            try
            {
                using var module = Mono.Cecil.ModuleDefinition.ReadModule(path, new Mono.Cecil.ReaderParameters { InMemory = true });
                var definition = module.LookupToken(method.MetadataToken) as Mono.Cecil.MethodDefinition;
                var problem = definition?.HasBody == true ? StackCheck.FirstProblem(definition.Body) : null;
                return problem != null ? $"{Describe(method)} at {problem} ({InWords(error)})" : what + " (IL offset not found)";
            }
            catch (Exception e) when (!(e is OutOfMemoryException))
            {
                return what + " (IL offset not found)";
            }
        }

        /// <summary>What the runtime's exception means, for the one-line report (the full texts stay in <see cref="JitReport.Failures"/>).</summary>
        static string InWords(Exception e) => e switch
        {
            InvalidProgramException _ => "invalid IL",
            TypeLoadException _ => "a type it names cannot be loaded (wrong name, layout or assembly)",
            MissingMethodException _ => "it names a method that does not exist",
            MissingFieldException _ => "it names a field that does not exist",
            MissingMemberException _ => "it names a member that does not exist",
            BadImageFormatException _ => "its metadata or IL is malformed",
            System.Security.VerificationException _ => "unverifiable code",
            FileNotFoundException _ => "a referenced assembly is missing",
            FileLoadException _ => "a referenced assembly cannot be loaded",
            _ => "the JIT refuses it",
        };

        static string Missing(Exception e)
        {
            var name = (e as FileNotFoundException)?.FileName ?? (e as FileLoadException)?.FileName;
            if (name == null) return "a referenced assembly cannot be loaded (add its folder with --references DIR)";
            return $"it references {name}, found neither in the app folder, its deps.json packages, the NuGet cache nor the shared frameworks (add its folder with --references DIR)";
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
                foreach (var le in e.LoaderExceptions.Where(x => x != null))
                {
                    report.Failures.Add("type load: " + le!.Message);
                    if (le is FileNotFoundException || le is FileLoadException) report.MissingReference ??= Missing(le);
                    else report.FirstFailure ??= "a type cannot be loaded: " + InWords(le);
                }
                types = e.Types.Where(t => t != null).ToArray()!;
            }

            // Type arguments for constraints no basic type satisfies (INotifyCompletion, IAsyncStateMachine, the
            // app's own interfaces...): the assembly's own concrete types, then a few framework ones.
            var concrete = types.Concat(WellKnownTypes).Where(IsConcrete).ToList();

            Guarded(report, "<Module>", () =>
            {
                foreach (var global in assembly.ManifestModule.GetMethods(Declared))
                    Prepare(global, report, concrete);
            });
            foreach (var type in types)
                Guarded(report, SafeName(type), () => PrepareType(type, report, concrete));
            return report;
        }

        /// <summary>A type the runtime cannot even list the members of (a damaged reference, a bad layout) is a failure too.</summary>
        static void Guarded(JitReport report, string typeName, Action prepare)
        {
            try
            {
                prepare();
            }
            catch (Exception e) when (!(e is OutOfMemoryException))
            {
                report.Failures.Add($"type {typeName}: {e.GetType().Name}: {e.Message}");
                if (e is FileNotFoundException || e is FileLoadException) report.MissingReference ??= Missing(e);
                else report.FirstFailure ??= $"type {typeName} cannot be loaded: {InWords(e)}";
            }
        }

        static string SafeName(Type type)
        {
            try { return type.FullName ?? type.Name; }
            catch (Exception) { return "?"; }
        }

        static void PrepareType(Type type, JitReport report, List<Type> concrete)
        {
            if (!type.IsGenericTypeDefinition)
            {
                foreach (var method in MethodsOf(type)) Prepare(method, report, concrete);
                return;
            }
            var closed = Close(type.GetGenericArguments(), args => type.MakeGenericType(args), concrete);
            if (closed == null)
            {
                var count = MethodsOf(type).Count(HasBody);
                report.SkippedOpenGenerics.Add($"type {type.FullName} ({count} methods)");
                return;
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
                    report.FirstFailed ??= (open, e);
                    continue;
                }
                Prepare(onClosed, report, concrete);
            }
        }

        static bool IsConcrete(Type t)
        {
            try { return !t.IsAbstract && !t.IsInterface && !t.ContainsGenericParameters && !t.IsByRefLike; }
            catch (Exception) { return false; } // a type that cannot load is reported when its turn comes
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
                if (e is FileNotFoundException || e is FileLoadException) report.MissingReference ??= Missing(e);
                report.FirstFailed ??= (method, e);
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
            readonly List<string> folders;

            public WovenLoadContext(List<string> folders) : base("jit-check " + folders[0], isCollectible: true) => this.folders = folders;

            protected override Assembly? Load(AssemblyName name)
            {
                // Woven code must bind to the very runtime this process uses (one Probe, one Recorder).
                if (name.Name == typeof(AsyncProf.Probe).Assembly.GetName().Name)
                    return typeof(AsyncProf.Probe).Assembly;
                foreach (var folder in folders)
                {
                    var candidate = Path.Combine(folder, name.Name + ".dll");
                    if (File.Exists(candidate)) return LoadFromAssemblyPath(candidate);
                }
                return null;
            }
        }
    }
}
