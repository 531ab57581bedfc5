using System;
using System.Collections.Concurrent;
using AsyncProf.Tests.Infrastructure;
using AsyncProf.Weaver;

namespace AsyncProf.Tests.EndToEnd
{
    /// <summary>
    /// tests/Fixtures/TaskReturning, built, woven and run once per configuration and test run, shared by its tests
    /// and the JIT tests.
    /// </summary>
    public static class TaskReturningApp
    {
        public const string AssemblyName = "TaskReturning";

        static readonly ConcurrentDictionary<string, Lazy<WovenApp>> weaves = new();
        static readonly ConcurrentDictionary<string, Lazy<(ProcessResult Process, ProfileFile Profile)>> runs = new();

        public static WovenApp Woven(string configuration) =>
            weaves.GetOrAdd(configuration, c => new Lazy<WovenApp>(() =>
                // WeaveAll: the fixture's overloads (`Pick(int x) => x`) are trivial on purpose; their names are checked.
                WovenApp.Create(ProjectBuilds.Build(RepoPaths.Fixture(AssemblyName), c), AssemblyName, "task-returning-" + c.ToLowerInvariant(),
                    new WeaverSettings { WeaveAll = true }))).Value;

        public static (ProcessResult Process, ProfileFile Profile) Run(string configuration) =>
            runs.GetOrAdd(configuration, c => new Lazy<(ProcessResult, ProfileFile)>(() => Woven(c).RunProfiled())).Value;
    }
}
