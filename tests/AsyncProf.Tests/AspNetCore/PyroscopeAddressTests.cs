using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using AsyncProf.AspNetCore;
using AsyncProf.Tests.Reports.Exporters;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;

namespace AsyncProf.Tests.AspNetCore
{
    /// <summary>Where the Pyroscope exporter posts, and what it says about a URL, with no server: a handler records the requests.</summary>
    public class PyroscopeAddressTests
    {
        sealed class RecordingHandler : HttpMessageHandler
        {
            public readonly List<Uri> Requests = new();
            public readonly TaskCompletionSource Sent = new(TaskCreationOptions.RunContinuationsAsynchronously);

            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                lock (Requests) Requests.Add(request.RequestUri!);
                Sent.TrySetResult();
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
            }
        }

        [TestCase("http://pyro.example:4040/tenant/a", "/tenant/a/ingest")]
        [TestCase("http://pyro.example:4040/tenant/a/", "/tenant/a/ingest")]
        [TestCase("http://pyro.example:4040", "/ingest")]
        public async Task A_base_path_is_kept_with_or_without_its_trailing_slash(string url, string path)
        {
            var handler = new RecordingHandler();
            using var exporter = new PyroscopeExporter(new PyroscopeOptions { Url = url, ApplicationName = "app" }, NullLogger<PyroscopeExporter>.Instance, handler);
            await exporter.StartAsync(CancellationToken.None);
            var json = File.ReadAllBytes(FormatFixtures.DataFile("async-resume.json"));
            Assert.That(exporter.TryEnqueue(new SampledProfile(json, DateTimeOffset.UtcNow.AddSeconds(-1), DateTimeOffset.UtcNow)), Is.True);
            await handler.Sent.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await exporter.StopAsync(CancellationToken.None);
            Assert.That(handler.Requests[0].AbsolutePath, Is.EqualTo(path));
        }

        [Test]
        public void A_bad_url_is_named_without_its_credentials()
        {
            var e = Assert.Throws<InvalidOperationException>(() =>
                new PyroscopeExporter(new PyroscopeOptions { Url = "ftp://user:s3cret@pyro.example/x" }, NullLogger<PyroscopeExporter>.Instance));
            Assert.That(e!.Message, Does.Contain("ftp://***@pyro.example/x").And.Not.Contain("s3cret"));
        }
    }
}
