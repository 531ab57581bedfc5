using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using AsyncProf.Tests.Infrastructure;
using AsyncProf.Weaver;
using Mono.Cecil;

namespace AsyncProf.Tests.Zoo
{
    /// <summary>One [Expect] of tests/Fixtures/AsyncZoo, as read from the unwoven assembly.</summary>
    public sealed record ZooExpectation(string DisplayName, int Calls, int Suspends, int Faults, string Kind, string Method)
    {
        public override string ToString() =>
            $"{DisplayName}: calls {Calls}, suspends {Suspends}, faults {Faults}, kind {Kind} (declared on {Method})";
    }

    /// <summary>
    /// The async zoo, built (real `dotnet build`), woven and run once per configuration and test run, shared by
    /// every test that needs it (zoo tests, JIT tests). Failures are cached too: every dependent test reports the
    /// same build or run error instead of retrying it. A configuration ending in <see cref="RuntimeAsyncSuffix"/>
    /// ("Release+runtime-async") is the runtime-async twin: the same sources built by tests/Fixtures/AsyncZooRuntimeAsync
    /// and run with DOTNET_RuntimeAsync=1.
    /// </summary>
    public static class ZooApp
    {
        public const string AssemblyName = "AsyncZoo";
        public const string ExpectAttribute = "AsyncZoo.ExpectAttribute";
        public static readonly string[] Configurations = { "Debug", "Release" };
        public const string RuntimeAsyncSuffix = "+runtime-async";
        public static readonly string[] RuntimeAsyncConfigurations = { "Debug" + RuntimeAsyncSuffix, "Release" + RuntimeAsyncSuffix };

        /// <summary>What a runtime-async build needs at run time on .NET 10 (without it the runtime refuses its types).</summary>
        public static readonly IReadOnlyDictionary<string, string?> RuntimeAsyncEnvironment = new Dictionary<string, string?> { ["DOTNET_RuntimeAsync"] = "1" };

        public static bool IsRuntimeAsync(string configuration) => configuration.EndsWith(RuntimeAsyncSuffix, StringComparison.Ordinal);

        static string BuildConfiguration(string configuration) =>
            IsRuntimeAsync(configuration) ? configuration.Substring(0, configuration.Length - RuntimeAsyncSuffix.Length) : configuration;

        static string Label(string configuration) => configuration.ToLowerInvariant().Replace("+", "-");

        static readonly ConcurrentDictionary<string, Lazy<IReadOnlyList<ZooExpectation>>> expectations = new();
        static readonly ConcurrentDictionary<string, Lazy<WovenApp>> weaves = new();
        static readonly ConcurrentDictionary<string, Lazy<(ProcessResult Process, ProfileFile Profile)>> runs = new();

        public static string ProjectDirectory => RepoPaths.Fixture("AsyncZoo");

        static string ProjectOf(string configuration) =>
            IsRuntimeAsync(configuration) ? RepoPaths.Fixture("AsyncZooRuntimeAsync") : ProjectDirectory;

        /// <summary>The build output folder (unwoven) of one configuration.</summary>
        public static string Build(string configuration) => ProjectBuilds.Build(ProjectOf(configuration), BuildConfiguration(configuration));

        public static string UnwovenAssembly(string configuration) => Path.Combine(Build(configuration), AssemblyName + ".dll");

        /// <summary>Every [Expect] of the unwoven assembly, read with Cecil (nothing of the fixture is loaded).</summary>
        public static IReadOnlyList<ZooExpectation> Expectations(string configuration) =>
            expectations.GetOrAdd(configuration, c => new Lazy<IReadOnlyList<ZooExpectation>>(() => ReadExpectations(UnwovenAssembly(c)))).Value;

        /// <summary>
        /// The zoo woven with every method (WeaveAll: its [Expect]s cover every shape and name, tiny ones included;
        /// what is left out by default is WeaveSelectionTests'), <paramref name="naive"/>: NaiveStateMachines.
        /// </summary>
        public static WovenApp Woven(string configuration, bool naive = false) =>
            weaves.GetOrAdd(configuration + (naive ? "-naive" : ""), _ => new Lazy<WovenApp>(() =>
                WovenApp.Create(Build(configuration), AssemblyName, "zoo-" + Label(configuration) + (naive ? "-naive" : ""),
                    new WeaverSettings { NaiveStateMachines = naive, WeaveAll = true }))).Value;

        /// <summary>One profiled run of the woven zoo (<paramref name="variant"/> names extra environment settings).</summary>
        public static (ProcessResult Process, ProfileFile Profile) Run(string configuration, bool naive = false, RunVariant variant = RunVariant.Default) =>
            runs.GetOrAdd($"{configuration}|{naive}|{variant}", _ => new Lazy<(ProcessResult, ProfileFile)>(() =>
            {
                var app = Woven(configuration, naive);
                var environment = new Dictionary<string, string?>();
                if (IsRuntimeAsync(configuration))
                    foreach (var pair in RuntimeAsyncEnvironment) environment[pair.Key] = pair.Value;
                if (variant == RunVariant.FullJitOptimization)
                {
                    // Every method compiled once, fully optimized: the JIT sees the woven IL at its most aggressive.
                    environment["DOTNET_TieredCompilation"] = "0";
                    environment["DOTNET_TieredPGO"] = "0";
                    environment["DOTNET_ReadyToRun"] = "0";
                }
                var result = app.RunProfiled(environment);
                if (!result.Process.StdOut.Contains("zoo: all scenarios ran"))
                    throw new InvalidOperationException("the woven zoo did not confirm its own checks\n" + result.Process);
                return result;
            })).Value;

        public static IReadOnlyList<ZooExpectation> ReadExpectations(string assemblyPath)
        {
            var list = new List<ZooExpectation>();
            using var module = ModuleDefinition.ReadModule(assemblyPath, new ReaderParameters { ReadSymbols = false });
            foreach (var type in module.GetTypes())
                foreach (var method in type.Methods)
                    foreach (var attribute in method.CustomAttributes.Where(a => a.AttributeType.FullName == ExpectAttribute))
                    {
                        int Named(string property) =>
                            attribute.Properties.Where(p => p.Name == property).Select(p => (int)p.Argument.Value).DefaultIfEmpty(0).First();
                        list.Add(new ZooExpectation((string)attribute.ConstructorArguments[0].Value, Named("Calls"), Named("Suspends"),
                            Named("Faults"), KindOf(method), type.FullName + "::" + method.Name));
                    }
            return list;
        }

        /// <summary>How many methods of the unwoven assembly carry each kind (async, iterator, async-iterator; runtime-async: 0x2000).</summary>
        public static IReadOnlyDictionary<string, int> StateMachineCounts(string configuration)
        {
            using var module = ModuleDefinition.ReadModule(UnwovenAssembly(configuration), new ReaderParameters { ReadSymbols = false });
            return module.GetTypes().SelectMany(t => t.Methods)
                .Select(m => IsRuntimeAsyncMethod(m) ? "runtime-async" : KindOf(m)).GroupBy(k => k)
                .ToDictionary(g => g.Key, g => g.Count());
        }

        static bool IsRuntimeAsyncMethod(MethodDefinition method) => ((int)method.ImplAttributes & 0x2000) != 0;

        /// <summary>The profile's <c>kind</c> a method must have, from the compiler's state machine attributes (runtime-async methods are async).</summary>
        static string KindOf(MethodDefinition method)
        {
            if (IsRuntimeAsyncMethod(method)) return "async";
            foreach (var a in method.CustomAttributes)
                switch (a.AttributeType.FullName)
                {
                    case "System.Runtime.CompilerServices.AsyncStateMachineAttribute": return "async";
                    case "System.Runtime.CompilerServices.IteratorStateMachineAttribute": return "iterator";
                    case "System.Runtime.CompilerServices.AsyncIteratorStateMachineAttribute": return "async-iterator";
                }
            return "sync";
        }
    }

    public enum RunVariant
    {
        Default,
        FullJitOptimization,
    }
}
