using System;
using System.Collections.Generic;

namespace AsyncProf.AspNetCore
{
    /// <summary>
    /// Where sampled profiles go (<c>AsyncProf:Pyroscope</c>): a Pyroscope-compatible server's <c>/ingest</c>
    /// (Grafana Pyroscope, Grafana Cloud Profiles, Grafana Alloy's pyroscope.receive_http). docs/aspnetcore.md.
    /// </summary>
    public sealed class PyroscopeOptions
    {
        /// <summary>The server's base address (<c>http://pyroscope:4040</c>); null: no exporter.</summary>
        public string? Url { get; set; }

        /// <summary>The application name profiles are filed under; the entry assembly's name when null.</summary>
        public string? ApplicationName { get; set; }

        /// <summary>Labels added to every profile (<c>env</c>, <c>region</c>, ...), besides the request's method, route and status.</summary>
        public Dictionary<string, string> Labels { get; set; } = new();

        /// <summary>The Authorization header value, if the server wants one (<c>Basic ...</c> for Grafana Cloud).</summary>
        public string? Authorization { get; set; }

        /// <summary>The tenant, sent as X-Scope-OrgID, for a multi-tenant Pyroscope.</summary>
        public string? TenantId { get; set; }

        /// <summary>Profiles waiting to be sent, at most; a profile beyond them is dropped (and counted), never waited for.</summary>
        public int QueueCapacity { get; set; } = 32;

        /// <summary>Attempts per profile (a connection failure, a timeout, 429 or 5xx is tried again).</summary>
        public int MaxAttempts { get; set; } = 3;

        /// <summary>Wait before the second attempt; doubled before each later one, up to a minute (<see cref="PushRetryDelay"/>).</summary>
        public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

        /// <summary>How long one upload may take.</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
    }
}
