using System;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using AsyncProf.AspNetCore;
using AsyncProf.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AsyncProf.Tests.AspNetCore
{
    /// <summary>
    /// A real Kestrel server on 127.0.0.1 (a port the OS picks) with AddAsyncProf/UseAsyncProf first in its
    /// pipeline, and a client that signs requests as <c>asyncprof curl</c> does.
    /// </summary>
    internal sealed class TestServer : IAsyncDisposable
    {
        public static readonly TriggerKey Key = TriggerKey.New();

        public WebApplication App { get; }
        public HttpClient Client { get; }

        TestServer(WebApplication app, HttpClient client)
        {
            App = app;
            Client = client;
        }

        internal AsyncProfService Service => App.Services.GetRequiredService<AsyncProfService>();

        /// <summary>A builder of a Kestrel app on 127.0.0.1 (a port the OS picks), without log output.</summary>
        public static WebApplicationBuilder Loopback()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            return builder;
        }

        /// <summary>A server whose key is <see cref="Key"/> unless <paramref name="configure"/> says otherwise.</summary>
        public static async Task<TestServer> Start(Action<WebApplication> map, Action<AsyncProfOptions>? configure = null,
            Action<WebApplicationBuilder>? build = null)
        {
            var builder = Loopback();
            builder.Services.AddAsyncProf(o =>
            {
                o.Key ??= Key.ToKeyText();
                configure?.Invoke(o);
            });
            build?.Invoke(builder);
            var web = builder.Build();
            web.UseAsyncProf();
            map(web);
            await web.StartAsync();
            var address = web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new TestServer(web, new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) });
        }

        /// <summary>A request carrying a fresh token for its own method and target, valid for a minute.</summary>
        public static HttpRequestMessage Signed(HttpMethod method, string pathAndQuery, TriggerKey? key = null, DateTimeOffset? expires = null,
            string? signedMethod = null, string? signedTarget = null)
        {
            var request = new HttpRequestMessage(method, pathAndQuery);
            request.Headers.Add(AsyncProfHeaders.Trigger, Token(signedMethod ?? method.Method, signedTarget ?? pathAndQuery, key, expires));
            return request;
        }

        public static string Token(string method, string pathAndQuery, TriggerKey? key = null, DateTimeOffset? expires = null) =>
            TriggerToken.Create(key ?? Key, method, pathAndQuery, expires ?? DateTimeOffset.UtcNow.AddMinutes(1));

        public static HttpRequestMessage WithToken(string pathAndQuery, string token)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
            request.Headers.TryAddWithoutValidation(AsyncProfHeaders.Trigger, token);
            return request;
        }

        /// <summary>Fetches a profile with a request signed by <paramref name="key"/>; null and the response when it is not served.</summary>
        public async Task<(ProfileFile? Profile, HttpResponseMessage Response)> Fetch(string id, TriggerKey? key = null, string? pathPrefix = null)
        {
            var response = await Client.SendAsync(Signed(HttpMethod.Get, (pathPrefix ?? AsyncProfHeaders.EndpointPrefix + "/profiles/") + id, key));
            if (!response.IsSuccessStatusCode) return (null, response);
            var file = Path.Combine(RepoPaths.Scratch, "aspnetcore-profiles", Guid.NewGuid().ToString("N") + ".json");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await File.WriteAllBytesAsync(file, await response.Content.ReadAsByteArrayAsync());
            return (ProfileFile.Load(file), response);
        }

        public static string? ProfileId(HttpResponseMessage response) =>
            response.Headers.TryGetValues(AsyncProfHeaders.Profile, out var values) ? values.Single() : null;

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}
