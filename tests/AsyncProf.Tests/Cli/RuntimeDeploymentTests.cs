using System;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using AsyncProf.Cli;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Cli
{
    /// <summary><see cref="RuntimeDeployment.DeployBeside"/> on hand-made app folders (the end-to-end tests run a real one).</summary>
    [TestFixture]
    public class RuntimeDeploymentTests
    {
        const string Tfm = ".NETCoreApp,Version=v10.0";
        string _dir = null!;

        [SetUp]
        public void FreshFolder()
        {
            _dir = Path.Combine(RepoPaths.Scratch, "work", "deploy-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(_dir);
        }

        static string Deps(string appEntries) =>
            "{\n  \"runtimeTarget\": { \"name\": \"" + Tfm + "\", \"signature\": \"\" },\n  \"compilationOptions\": {},\n" +
            "  \"targets\": { \"" + Tfm + "\": {" + appEntries + "} },\n" +
            "  \"libraries\": {\n    \"App/1.0.0\": { \"type\": \"project\", \"serviceable\": false, \"sha512\": \"\" },\n" +
            "    \"Lib/2.0.0\": { \"type\": \"project\", \"serviceable\": false, \"sha512\": \"\" }\n  }\n}\n";

        const string AppAndLib =
            "\"App/1.0.0\": { \"dependencies\": { \"Lib\": \"2.0.0\" }, \"runtime\": { \"App.dll\": {} } }," +
            "\"Lib/2.0.0\": { \"runtime\": { \"Lib.dll\": {} } }";

        string Touch(string name)
        {
            var path = Path.Combine(_dir, name);
            File.WriteAllText(path, "stand-in for " + name);
            return path;
        }

        JsonObject ReadDeps(string name) => (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, name)))!;

        [Test]
        public void Copies_the_runtime_and_registers_it_for_the_app()
        {
            var app = Touch("App.dll");
            File.WriteAllText(Path.Combine(_dir, "App.deps.json"), Deps(AppAndLib));

            var result = RuntimeDeployment.DeployBeside(app);

            var runtime = Path.Combine(_dir, "AsyncProf.dll");
            Assert.That(result.RuntimePath, Is.EqualTo(runtime));
            Assert.That(File.ReadAllBytes(runtime), Is.EqualTo(File.ReadAllBytes(RepoPaths.RuntimeAssembly)));
            Assert.That(result.RegisteredIn.Select(Path.GetFileName), Is.EqualTo(new[] { "App.deps.json" }));

            var deps = ReadDeps("App.deps.json");
            var target = deps["targets"]![Tfm]!.AsObject();
            var key = target.Select(kv => kv.Key).Single(k => k.StartsWith("AsyncProf/", StringComparison.Ordinal));
            var version = key.Substring("AsyncProf/".Length);
            Assert.That(target[key]!["runtime"]!["AsyncProf.dll"], Is.Not.Null, "runtime asset AsyncProf.dll");
            Assert.That((string?)target["App/1.0.0"]!["dependencies"]!["AsyncProf"], Is.EqualTo(version), "a dependency of the app's own entry");
            Assert.That((string?)target["App/1.0.0"]!["dependencies"]!["Lib"], Is.EqualTo("2.0.0"), "existing dependencies kept");
            Assert.That((string?)deps["libraries"]![key]!["type"], Is.EqualTo("project"));
            Assert.That(deps["libraries"]!["Lib/2.0.0"], Is.Not.Null);
            Assert.That(target["Lib/2.0.0"]!["dependencies"], Is.Null, "other entries untouched");
        }

        [Test]
        public void Is_idempotent()
        {
            var app = Touch("App.dll");
            File.WriteAllText(Path.Combine(_dir, "App.deps.json"), Deps(AppAndLib));
            RuntimeDeployment.DeployBeside(app);
            var once = File.ReadAllBytes(Path.Combine(_dir, "App.deps.json"));
            RuntimeDeployment.DeployBeside(app);
            Assert.That(File.ReadAllBytes(Path.Combine(_dir, "App.deps.json")), Is.EqualTo(once));
            Assert.That(Directory.GetFiles(_dir).Select(Path.GetFileName).Where(f => f!.Contains("tmp")), Is.Empty, "no temp files left");
        }

        [Test]
        public void Replaces_the_entry_of_another_runtime_version()
        {
            var app = Touch("App.dll");
            File.WriteAllText(Path.Combine(_dir, "App.deps.json"), Deps(
                "\"App/1.0.0\": { \"dependencies\": { \"AsyncProf\": \"0.0.1\" }, \"runtime\": { \"App.dll\": {} } }," +
                "\"AsyncProf/0.0.1\": { \"runtime\": { \"AsyncProf.dll\": {} } }"));
            RuntimeDeployment.DeployBeside(app);
            var deps = ReadDeps("App.deps.json");
            var target = deps["targets"]![Tfm]!.AsObject();
            var key = target.Select(kv => kv.Key).Single(k => k.StartsWith("AsyncProf/", StringComparison.Ordinal));
            Assert.That(key, Is.Not.EqualTo("AsyncProf/0.0.1"));
            Assert.That((string?)target["App/1.0.0"]!["dependencies"]!["AsyncProf"], Is.EqualTo(key.Substring("AsyncProf/".Length)));
            Assert.That(deps["libraries"]!.AsObject().Count(kv => kv.Key.StartsWith("AsyncProf/", StringComparison.Ordinal)), Is.EqualTo(1));
        }

        [Test]
        public void A_woven_library_is_registered_in_the_app_deps_that_lists_it()
        {
            Touch("App.dll");
            var lib = Touch("Lib.dll");
            File.WriteAllText(Path.Combine(_dir, "App.deps.json"), Deps(AppAndLib));
            var result = RuntimeDeployment.DeployBeside(lib);
            Assert.That(result.RegisteredIn.Select(Path.GetFileName), Is.EqualTo(new[] { "App.deps.json" }));
            var target = ReadDeps("App.deps.json")["targets"]![Tfm]!;
            Assert.That(target["Lib/2.0.0"]!["dependencies"]!["AsyncProf"], Is.Not.Null, "the library's entry depends on the runtime");
        }

        [Test]
        public void Without_deps_json_only_copies()
        {
            var app = Touch("App.dll");
            var result = RuntimeDeployment.DeployBeside(app);
            Assert.That(result.RegisteredIn, Is.Empty);
            Assert.That(File.Exists(Path.Combine(_dir, "AsyncProf.dll")), Is.True);
            Assert.That(Directory.GetFiles(_dir, "*.json"), Is.Empty);
        }
    }
}
