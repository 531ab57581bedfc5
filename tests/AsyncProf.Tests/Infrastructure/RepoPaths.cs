using System;
using System.IO;

namespace AsyncProf.Tests.Infrastructure
{
    /// <summary>Locations in the repository and the per-run scratch folder the tests build into.</summary>
    public static class RepoPaths
    {
        public static readonly string Root = FindRoot();

        /// <summary>Test builds and woven copies go here, one folder per test run's artifacts (kept for inspection).</summary>
        public static readonly string Scratch = Path.Combine(Root, "artifacts", "tests");

        public static string Fixture(string name) => Path.Combine(Root, "tests", "Fixtures", name);
        public static string Sample(string name) => Path.Combine(Root, "samples", name);
        public static string Src(string name) => Path.Combine(Root, "src", name);

        /// <summary>The runtime assembly woven code references, as copied beside a woven app.</summary>
        public static string RuntimeAssembly => typeof(AsyncProf.Probe).Assembly.Location;

        static string FindRoot()
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Weaver.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Weaver.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
