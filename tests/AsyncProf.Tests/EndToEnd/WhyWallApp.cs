using System;
using System.IO;
using AsyncProf.Tests.Infrastructure;
using AsyncProf.Weaver;

namespace AsyncProf.Tests.EndToEnd
{
    /// <summary>
    /// tests/Fixtures/WhyWall, built (Release) and woven once per test run, shared by the fixtures that run its
    /// scenarios (split, gc, pipeline, critical); each runs it with its own arguments. The helpers in WhyWall.Work
    /// (spin loops, lock holders, garbage) are left unwoven: their time is their caller's own.
    /// </summary>
    public static class WhyWallApp
    {
        public const string AssemblyName = "WhyWall";

        /// <summary>The fixture's source, for tests that look lines up in it.</summary>
        public static string Source => Path.Combine(RepoPaths.Fixture(AssemblyName), "Program.cs");

        static readonly Lazy<WovenApp> woven = new(() =>
        {
            var settings = new WeaverSettings();
            settings.Exclude.Add("WhyWall.Work.*");
            return WovenApp.Create(ProjectBuilds.Build(RepoPaths.Fixture(AssemblyName), "Release"), AssemblyName, "whywall", settings);
        });

        /// <summary>The woven copy; a failed build or weave is cached, so every fixture reports the same error.</summary>
        public static WovenApp Woven => woven.Value;

        /// <summary>One profiled run with <paramref name="args"/> (a scenario name and its arguments).</summary>
        public static (ProcessResult Process, ProfileFile Profile) Run(params string[] args) => Woven.RunProfiled(args);
    }
}
