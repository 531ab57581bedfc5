using System;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using AsyncProf.AspNetCore;
using AsyncProf.Tests.AspNetCore;
using AsyncProf.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace AsyncProf.Tests.Cli
{
    /// <summary>
    /// The real `asyncprof curl` and `asyncprof key new` (the tool as a separate process) against a Kestrel server in
    /// the test process: what a developer sees, for a profiled request and for each reason one is not.
    /// </summary>
    [TestFixture, NonParallelizable]
    [Category(Categories.Integration)]
    public class CurlCommandTests
    {
        TestServer server = null!;
        string keyFile = null!;
        readonly TaskCompletionSource held = new();

        [OneTimeSetUp]
        public async Task StartServer()
        {
            server = await TestServer.Start(web =>
            {
                web.MapGet("/work/{steps:int}", (int steps) => RequestProfilingTests.Work(steps));
                web.MapPost("/echo", async (Microsoft.AspNetCore.Http.HttpRequest r) => await new StreamReader(r.Body).ReadToEndAsync());
                web.MapGet("/hold", () => held.Task);
                web.MapGet("/fail", async () =>
                {
                    await RequestProfilingTests.Work(2);
                    throw new InvalidOperationException("the handler failed");
                });
            }, o => o.MaxConcurrentProfiles = 1);
            keyFile = Path.Combine(RepoPaths.Scratch, "curl-key-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            File.WriteAllText(keyFile, TestServer.Key.ToKeyText() + "\n");
        }

        [OneTimeTearDown]
        public async Task StopServer()
        {
            held.TrySetResult();
            await server.DisposeAsync();
        }

        string Url(string path) => new Uri(server.Client.BaseAddress!, path).ToString();

        static ProcessResult Curl(params string[] args) => ProcessRunner.Run("dotnet", new[] { CliRunner.ToolPath, "curl" }.Concat(args).ToList(),
            environment: new System.Collections.Generic.Dictionary<string, string?> { ["ASYNCPROF_KEY"] = null }, timeout: TimeSpan.FromMinutes(2));

        [Test]
        public void Key_new_prints_a_fresh_key_the_server_accepts()
        {
            var first = CliRunner.Run("key", "new");
            var second = CliRunner.Run("key", "new");
            Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString());
            var text = first.StdOut.Trim();
            Assert.That(TriggerKey.Parse(text).Secret, Has.Length.EqualTo(32));
            Assert.That(second.StdOut.Trim(), Is.Not.EqualTo(text));
            Assert.That(CliRunner.Run("key").ExitCode, Is.EqualTo(2));
        }

        [Test]
        public void Curl_prints_the_status_and_the_text_report_of_that_request_alone()
        {
            var result = Curl(Url("/work/3"), "--key-file", keyFile);
            Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
            var lines = CliRunner.Lines(result.StdOut);
            Assert.That(lines[0], Is.EqualTo("HTTP 200 OK"));
            Assert.That(result.StdOut, Does.Contain("Web.Step").And.Contain("Web.Queued"));
        }

        [Test]
        public void Curl_writes_any_report_format_and_takes_the_key_from_the_environment()
        {
            var output = Path.Combine(RepoPaths.Scratch, "curl-" + Guid.NewGuid().ToString("N").Substring(0, 8) + ".json");
            var result = ProcessRunner.Run("dotnet", new[] { CliRunner.ToolPath, "curl", Url("/work/4"), "-o", output },
                environment: new System.Collections.Generic.Dictionary<string, string?> { ["ASYNCPROF_KEY"] = TestServer.Key.ToKeyText() });
            Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
            var profile = ProfileFile.Load(output);
            Assert.That(profile.Function("Web.Step").Calls, Is.EqualTo(4));
            Assert.That(profile.RootElement.GetProperty("request").GetProperty("route").GetString(), Is.EqualTo("/work/{steps:int}"));

            var pprof = Path.ChangeExtension(output, ".pb.gz");
            Assert.That(Curl(Url("/work/1"), "--key-file", keyFile, "--format", "pprof", "-o", pprof).ExitCode, Is.EqualTo(0));
            Assert.That(new FileInfo(pprof).Length, Is.GreaterThan(0));
        }

        [Test]
        public void A_request_that_fails_with_a_500_is_still_fetched_by_its_tokens_nonce()
        {
            // Kestrel answers an unhandled exception with a bare 500 and drops the headers that name the profile.
            var output = Path.Combine(RepoPaths.Scratch, "curl-fail-" + Guid.NewGuid().ToString("N").Substring(0, 8) + ".json");
            var result = Curl(Url("/fail"), "--key-file", keyFile, "-o", output);
            Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
            Assert.That(CliRunner.Lines(result.StdOut)[0], Does.StartWith("HTTP 500"));
            var profile = ProfileFile.Load(output);
            Assert.That(profile.Function("Web.Step").Calls, Is.EqualTo(2), "the failed request's own calls");
            Assert.That(profile.RootElement.GetProperty("request").GetProperty("status").GetInt32(), Is.EqualTo(500));
        }

        [Test]
        public void Curl_sends_method_headers_and_data_and_signs_them()
        {
            var result = Curl(Url("/echo?x=1"), "-X", "POST", "-H", "X-Test: 1", "-H", "Content-Type: text/plain", "-d", "hello", "--key-file", keyFile);
            Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
            Assert.That(CliRunner.Lines(result.StdOut)[0], Is.EqualTo("HTTP 200 OK"));
        }

        [Test]
        public void A_wrong_key_is_one_clear_line()
        {
            var wrong = Path.Combine(RepoPaths.Scratch, "curl-wrong-key-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            File.WriteAllText(wrong, TriggerKey.New().ToKeyText());
            var result = Curl(Url("/work/1"), "--key-file", wrong);
            Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
            Assert.That(CliRunner.Lines(result.StdErr).Single(), Does.StartWith("asyncprof: ").And.Contain("refused key"));
            Assert.That(CliRunner.Lines(result.StdOut).Single(), Is.EqualTo("HTTP 200 OK"), "the request itself was served");
        }

        [Test]
        public async Task A_server_without_AsyncProf_is_one_clear_line()
        {
            var builder = TestServer.Loopback();
            await using var plain = builder.Build();
            plain.MapGet("/", () => "plain");
            await plain.StartAsync();
            var result = Curl(plain.Urls.First() + "/", "--key-file", keyFile);
            Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
            Assert.That(CliRunner.Lines(result.StdErr).Single(), Does.Contain("does not run AsyncProf"));
            await plain.StopAsync();
        }

        [Test]
        public async Task A_request_the_server_chose_not_to_profile_says_why()
        {
            var holding = server.Client.SendAsync(TestServer.Signed(HttpMethod.Get, "/hold"), HttpCompletionOption.ResponseHeadersRead);
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (server.Service.Profiling == 0)
            {
                if (DateTime.UtcNow > deadline) Assert.Fail("the held request never started profiling");
                await Task.Delay(20);
            }
            var result = Curl(Url("/work/1"), "--key-file", keyFile);
            held.TrySetResult();
            await holding;
            Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
            Assert.That(CliRunner.Lines(result.StdErr).Single(), Does.Contain("not profiled: busy"));
        }

        [Test]
        public void Unreachable_and_keyless_are_one_clear_line_each()
        {
            var unreachable = Curl("http://127.0.0.1:1/", "--key-file", keyFile);
            Assert.That(unreachable.ExitCode, Is.EqualTo(1));
            Assert.That(CliRunner.Lines(unreachable.StdErr).Single(), Does.Contain("cannot connect"));
            var keyless = Curl(Url("/work/1"));
            Assert.That(keyless.ExitCode, Is.EqualTo(2));
            Assert.That(CliRunner.Lines(keyless.StdErr).Single(), Does.Contain("ASYNCPROF_KEY"));
            var badKey = Curl(Url("/work/1"), "--key-file", CliRunner.ToolPath);
            Assert.That(badKey.ExitCode, Is.EqualTo(1));
            Assert.That(CliRunner.Lines(badKey.StdErr).Single(), Does.Contain("AsyncProf.Cli.dll"));
        }
    }
}
