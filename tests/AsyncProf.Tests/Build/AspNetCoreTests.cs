using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Build
{
    /// <summary>
    /// An ASP.NET Core app and the multi-targeted class library it uses, both covered by one PackageReference in the
    /// solution's Directory.Build.props (AsyncProf.MSBuild, or AsyncProf.Fody with a FodyWeavers.xml per project):
    /// the solution built with -p:Profile=true, the app run on loopback, requested a few times, stopped, and its
    /// profile read. Debug and Release.
    /// </summary>
    [TestFixture("Debug", "MSBuild")]
    [TestFixture("Release", "MSBuild")]
    [TestFixture("Release", "Fody")]
    [NonParallelizable]
    [Category(Categories.Integration)]
    public class AspNetCoreTests
    {
        const int Requests = 5;
        readonly string config;
        readonly bool fody;
        SampleProject sample = null!;

        public AspNetCoreTests(string configuration, string way)
        {
            config = configuration;
            fody = way == "Fody";
        }

        [OneTimeSetUp]
        public void Generate()
        {
            sample = Samples.Web($"{(fody ? "fody" : "msbuild")}-aspnet-{config.ToLowerInvariant()}", fody ? Samples.FodyReference : Samples.MSBuildReference);
            if (fody)
                foreach (var project in new[] { "Shop.Web", "Shop.Core" })
                    File.WriteAllText(sample.PathOf(project + "/FodyWeavers.xml"), "<Weavers>\n  <AsyncProf />\n</Weavers>\n");
        }

        [Test]
        public void Directory_Build_props_reference_weaves_the_app_and_its_library_and_the_server_writes_a_profile()
        {
            var build = sample.Build(config, "-p:Profile=true");
            if (fody)
            {
                Assert.That(build.Log.Ran("FodyTarget", "Shop.Web.csproj") && build.Log.Ran("FodyTarget", "Shop.Core.csproj"));
                Assert.That(build.Log.Messages("Fody/AsyncProf: AsyncProf: wove "), Has.Count.EqualTo(3),
                    "one report per woven assembly: the app, and the library for each of its frameworks");
                Assert.That(build.Log.Warnings().Where(w => w.Text.Contains("AsyncProf")), Is.Empty, "nothing skipped in this app");
            }
            else
            {
                foreach (var project in new[] { "Shop.Web.csproj", "Shop.Core.csproj" })
                {
                    Assert.That(build.Log.Ran("AsyncProfWeave", project), $"{project} woven");
                    var reports = build.Log.Tasks("WeaveAssembly", project).SelectMany(t => t.GetMessages()).Select(m => m.Text)
                        .Where(t => t.StartsWith("AsyncProf: " + Path.GetFileNameWithoutExtension(project) + ": wove ", StringComparison.Ordinal)).ToList();
                    var frameworks = project == "Shop.Core.csproj" ? 2 : 1;
                    Assert.That(reports, Has.Count.EqualTo(frameworks), $"{project}: one report of what was woven per target framework");
                }
                Assert.That(build.Log.Warnings().Where(w => w.Code?.StartsWith("ASYNCPROF") == true), Is.Empty, "nothing skipped in this app");
            }

            // The library's netstandard2.0 build is woven too, and gets the netstandard2.0 runtime.
            var libStandard = Path.Combine(sample.PathOf("Shop.Core"), "bin", config, "netstandard2.0");
            Assert.That(new AssemblyFacts(Path.Combine(libStandard, "Shop.Core.dll")).ReferencesAsyncProf);
            if (!fody)
            {
                // (A library's bin/ gets no package assets, so with Fody the runtime only lands in the app's output.)
                Assert.That(TargetFrameworkOf(Path.Combine(libStandard, "AsyncProf.dll")), Does.StartWith(".NETStandard,Version=v2.0"));
                Assert.That(TargetFrameworkOf(Path.Combine(sample.PathOf("Shop.Core"), "bin", config, "net10.0", "AsyncProf.dll")), Does.StartWith(".NETCoreApp,Version=v8.0"));
            }

            var bin = sample.OutputFolder(config, "Shop.Web");
            Assert.That(TargetFrameworkOf(Path.Combine(bin, "AsyncProf.dll")), Does.StartWith(".NETCoreApp,Version=v8.0"), "the app gets the net8.0 runtime");
            Assert.That(new AssemblyFacts(Path.Combine(bin, "Shop.Web.dll")).ReferencesAsyncProf, "the app is woven");
            Assert.That(new AssemblyFacts(Path.Combine(bin, "Shop.Core.dll")).ReferencesAsyncProf, "the library in the app's output is the woven one");
            Assert.That(File.Exists(Path.Combine(bin, "AsyncProf.dll")));
            Assert.That(Samples.DepsJsonListsAsyncProf(Path.Combine(bin, "Shop.Web.deps.json")));

            var profilePath = Path.Combine(sample.Folder, "profile-server.json");
            using (var server = new ServerProcess(Path.Combine(bin, "Shop.Web.dll"), new Dictionary<string, string?> { ["ASYNCPROF_OUTPUT"] = profilePath }))
            {
                var address = server.WaitUntilListening(TimeSpan.FromSeconds(60));
                using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
                for (var id = 1; id <= Requests; id++)
                {
                    var body = http.GetStringAsync("/orders/" + id).GetAwaiter().GetResult();
                    Assert.That(body, Does.Contain("\"id\":" + id));
                }
                using (var stop = http.PostAsync("/shutdown", null).GetAwaiter().GetResult())
                    Assert.That((int)stop.StatusCode, Is.EqualTo(200));
                Assert.That(server.WaitForExit(TimeSpan.FromSeconds(30)), Is.EqualTo(0), server.Output);
                Assert.That(File.Exists(profilePath), "the server wrote its profile at exit\n" + server.Output);
            }

            var profile = Infrastructure.ProfileFile.Load(profilePath);
            var endpoint = profile.Function("Shop.Web.Endpoints.GetOrderAsync");
            var service = profile.Function("Shop.Core.OrderService.GetAsync");
            Assert.That(endpoint.Calls, Is.EqualTo(Requests));
            Assert.That(service.Calls, Is.EqualTo(Requests), "one call per request, however often it resumed");
            Assert.That(service.Suspends, Is.GreaterThanOrEqualTo(Requests), "it suspends at least at Task.Delay");
            Assert.That(service.InFlight, Is.EqualTo(0));
            Assert.That(profile.Edge("Shop.Web.Endpoints.GetOrderAsync", "Shop.Core.OrderService.GetAsync")?.Calls, Is.EqualTo(Requests),
                "the app's call into the woven library");
            Assert.That(profile.Function("Shop.Core.OrderService.Price").Calls, Is.EqualTo(Requests), "work on the thread pool is counted");
            // Kestrel serves requests concurrently: the per-node wall rule does not apply, call accounting and CPU do
            Assert.That(System.Linq.Enumerable.Concat(Infrastructure.ProfileInvariants.CallAccountingFailures(profile),
                Infrastructure.ProfileInvariants.CpuAboveWallFailures(profile)), Is.Empty);
        }

        static string TargetFrameworkOf(string assembly)
        {
            using var pe = new System.Reflection.PortableExecutable.PEReader(File.OpenRead(assembly));
            var md = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
            foreach (var handle in md.GetAssemblyDefinition().GetCustomAttributes())
            {
                var attribute = md.GetCustomAttribute(handle);
                if (attribute.Constructor.Kind != System.Reflection.Metadata.HandleKind.MemberReference) continue;
                var ctor = md.GetMemberReference((System.Reflection.Metadata.MemberReferenceHandle)attribute.Constructor);
                var type = md.GetTypeReference((System.Reflection.Metadata.TypeReferenceHandle)ctor.Parent);
                if (md.GetString(type.Name) != "TargetFrameworkAttribute") continue;
                var blob = md.GetBlobReader(attribute.Value);
                blob.ReadUInt16(); // prolog
                return blob.ReadSerializedString() ?? "";
            }
            return "";
        }
    }
}
