using System;
using System.Collections.Concurrent;
using System.IO;

namespace AsyncProf.Tests.Infrastructure
{
    /// <summary>
    /// Builds a fixture or sample project with the real `dotnet build`, once per test run and configuration, into
    /// its own output folder under artifacts/tests; every test that needs it shares the result.
    /// </summary>
    public static class ProjectBuilds
    {
        static readonly ConcurrentDictionary<string, Lazy<string>> Builds = new();

        /// <summary>Returns the output folder of <paramref name="projectDir"/> built in <paramref name="configuration"/>.</summary>
        public static string Build(string projectDir, string configuration)
        {
            var key = projectDir + "|" + configuration;
            return Builds.GetOrAdd(key, _ => new Lazy<string>(() => BuildNow(projectDir, configuration))).Value;
        }

        static string BuildNow(string projectDir, string configuration)
        {
            var name = Path.GetFileName(projectDir.TrimEnd(Path.DirectorySeparatorChar));
            var output = Path.Combine(RepoPaths.Scratch, "builds", $"{name}-{configuration}");
            var objDir = Path.Combine(RepoPaths.Scratch, "obj", $"{name}-{configuration}") + Path.DirectorySeparatorChar;
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
            var result = ProcessRunner.Run("dotnet", new[]
            {
                "build", projectDir, "-c", configuration, "-o", output, "--nologo", "-v:q",
                "-p:BaseIntermediateOutputPath=" + objDir, "-p:UseSharedCompilation=false",
                // fixtures that call the profiler API reference the runtime the tests load (a project reference
                // would share the per-build obj folder above)
                "-p:AsyncProfRuntime=" + RepoPaths.RuntimeAssembly,
            }, timeout: TimeSpan.FromMinutes(5));
            if (result.ExitCode != 0) throw new InvalidOperationException($"building {projectDir} ({configuration}) failed\n{result}");
            return output;
        }

        /// <summary>Copies a build output to a fresh folder so a test can weave or damage it without touching the shared build.</summary>
        public static string CopyToFresh(string sourceDir, string label)
        {
            var target = Path.Combine(RepoPaths.Scratch, "work", label + "-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(target);
            foreach (var file in Directory.GetFiles(sourceDir, "*", SearchOption.AllDirectories))
            {
                var dest = Path.Combine(target, Path.GetRelativePath(sourceDir, file));
                Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
                File.Copy(file, dest);
            }
            return target;
        }
    }
}
