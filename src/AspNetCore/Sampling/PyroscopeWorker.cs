using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AsyncProf.AspNetCore
{
    /// <summary>
    /// The hosted service AddAsyncProf registers: runs the <see cref="PyroscopeExporter"/> when
    /// <c>AsyncProf:Pyroscope:Url</c> is set, and does nothing otherwise (registration comes before configuration
    /// is read, so it cannot know).
    /// </summary>
    internal sealed class PyroscopeWorker : IHostedService
    {
        readonly IServiceProvider services;
        PyroscopeExporter? exporter;

        public PyroscopeWorker(IServiceProvider services) => this.services = services;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            var options = services.GetRequiredService<IOptions<AsyncProfOptions>>().Value;
            if (string.IsNullOrWhiteSpace(options.Pyroscope.Url)) return Task.CompletedTask;
            exporter = services.GetRequiredService<PyroscopeExporter>();
            return exporter.StartAsync(cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => exporter?.StopAsync(cancellationToken) ?? Task.CompletedTask;
    }
}
