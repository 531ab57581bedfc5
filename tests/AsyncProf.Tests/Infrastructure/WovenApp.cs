using System;
using System.Collections.Generic;
using System.IO;
using AsyncProf.Weaver;

namespace AsyncProf.Tests.Infrastructure
{
    /// <summary>A built app, copied to its own folder, woven in place with the weaver core, ready to run.</summary>
    public sealed class WovenApp
    {
        public string Directory { get; }
        public string MainAssembly { get; }
        public WeaveResult Result { get; }

        WovenApp(string directory, string mainAssembly, WeaveResult result)
        {
            Directory = directory;
            MainAssembly = mainAssembly;
            Result = result;
        }

        /// <summary>Weaves <paramref name="assemblyName"/>.dll of a build output (a fresh copy) and puts the runtime beside it.</summary>
        public static WovenApp Create(string buildOutput, string assemblyName, string label, WeaverSettings? settings = null)
        {
            var dir = ProjectBuilds.CopyToFresh(buildOutput, label);
            var dll = Path.Combine(dir, assemblyName + ".dll");
            var result = AssemblyWeaver.WeaveFile(dll, dll, settings ?? new WeaverSettings(), NullWeaverLog.Instance);
            AsyncProf.Cli.RuntimeDeployment.DeployBeside(dll);
            return new WovenApp(dir, dll, result);
        }

        /// <summary>Runs the woven app with ASYNCPROF_OUTPUT set and returns the profile it wrote.</summary>
        public (ProcessResult Process, ProfileFile Profile) RunProfiled(params string[] args) =>
            RunProfiled(new Dictionary<string, string?>(), args);

        /// <summary>
        /// Same, with extra environment variables for the child (null removes one), for instance JIT settings.
        /// ASYNCPROF_OUTPUT is always set to a fresh file in the app's folder.
        /// </summary>
        public (ProcessResult Process, ProfileFile Profile) RunProfiled(IDictionary<string, string?> environment, params string[] args)
        {
            var profilePath = Path.Combine(Directory, "profile-" + Guid.NewGuid().ToString("N").Substring(0, 8) + ".json");
            var allArgs = new List<string> { MainAssembly };
            allArgs.AddRange(args);
            var env = new Dictionary<string, string?>(environment) { ["ASYNCPROF_OUTPUT"] = profilePath };
            var run = ProcessRunner.Run("dotnet", allArgs, Directory, env, TimeSpan.FromMinutes(3));
            if (run.ExitCode != 0 || !File.Exists(profilePath))
                throw new InvalidOperationException($"woven {MainAssembly} failed or wrote no profile\n{run}");
            return (run, ProfileFile.Load(profilePath));
        }
    }
}
