using System.Linq;
using System;
using System.Collections.Generic;
using System.IO;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Build
{
    /// <summary>
    /// samples/BuildIntegration, copied as it is in the repository and run the way its README says, against this
    /// run's packages: both ways produce a profile.
    /// </summary>
    [TestFixture, NonParallelizable]
    [Category(Categories.Integration)]
    public class BuildIntegrationSampleTests
    {
        [TestCase("ViaMSBuild")]
        [TestCase("ViaFody")]
        public void The_sample_profiles_with_dotnet_run(string project)
        {
            var env = BuildTestEnvironment.Instance;
            var folder = env.NewSampleFolder("sample-" + project.ToLowerInvariant());
            var source = RepoPaths.Sample("BuildIntegration");
            foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(source, file);
                var parts = relative.Split(Path.DirectorySeparatorChar);
                if (Array.Exists(parts, p => p == "bin" || p == "obj")) continue;
                var target = Path.Combine(folder, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }

            var profile = Path.Combine(folder, project + ".json");
            var run = env.Dotnet(folder, new[] { "run", "--project", project, "-p:Profile=true", "-p:AsyncProfVersion=" + env.Version },
                new Dictionary<string, string?> { ["ASYNCPROF_OUTPUT"] = profile });
            Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
            Assert.That(run.StdOut, Does.Contain(project + ": placed 4 orders"));
            Assert.That(File.Exists(profile), "a profile\n" + run);

            var p = ProfileFile.Load(profile);
            var place = p.Function("BuildIntegration.OrderDesk.PlaceAsync");
            Assert.That(place.Calls, Is.EqualTo(4));
            Assert.That(place.Suspends, Is.GreaterThanOrEqualTo(4 * 2), "suspended at least at the delay and the Task.Run");
            Assert.That(p.Edge("BuildIntegration.OrderDesk.PlaceAsync", "BuildIntegration.Inventory.ReserveAsync")?.Calls, Is.EqualTo(4));
            // the four orders run concurrently: the per-node wall rule does not apply, the others do
            Assert.That(ProfileInvariants.CallAccountingFailures(p).Concat(ProfileInvariants.CpuAboveWallFailures(p)), Is.Empty);
        }
    }
}
