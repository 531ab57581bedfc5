using System;
using AsyncProf.Tests.Infrastructure;

namespace AsyncProf.Tests.EndToEnd
{
    /// <summary>
    /// samples/SeedApp (Release), built once per test run, and woven with the default settings once, shared by the
    /// fixtures that only run it (critical path, output formats, the state-machine twin of the runtime-async seed).
    /// </summary>
    public static class SeedSampleApp
    {
        public const string AssemblyName = "SeedApp";

        /// <summary>The unwoven build output, for tests that weave a copy their own way.</summary>
        public static string Build => ProjectBuilds.Build(RepoPaths.Sample(AssemblyName), "Release");

        static readonly Lazy<WovenApp> woven = new(() => WovenApp.Create(Build, AssemblyName, "seed-woven"));

        /// <summary>The woven copy; a failed build or weave is cached, so every fixture reports the same error.</summary>
        public static WovenApp Woven => woven.Value;
    }
}
