using System.Net;
using System.Net.Sockets;

namespace AsyncProf.Tests.Libraries
{
    /// <summary>A TCP port on 127.0.0.1 that is free now (the OS picks it), for servers that need a port number up front.</summary>
    public static class LoopbackPort
    {
        public static int Free()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            try { return ((IPEndPoint)listener.LocalEndpoint).Port; }
            finally { listener.Stop(); }
        }
    }
}
