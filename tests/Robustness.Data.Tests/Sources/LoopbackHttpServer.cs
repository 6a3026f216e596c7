using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Robustness.Data.Tests.Sources;

/// <summary>What the loopback server does for one request.</summary>
internal sealed record LoopbackResponse(int Status, byte[] Body, bool Stall = false)
{
    public static LoopbackResponse Ok(byte[] body) => new(200, body);

    public static LoopbackResponse Error(int status) => new(status, []);

    public static LoopbackResponse Stalled { get; } = new(200, [], Stall: true);
}

/// <summary>
/// An HTTP/1.1 server on http://127.0.0.1:PORT/ (System.Net.HttpListener) answering with a handler; it never leaves
/// the machine. Records every requested path.
/// </summary>
internal sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<string, LoopbackResponse> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LoopbackHttpServer(Func<string, LoopbackResponse> handler)
    {
        _handler = handler;
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    public ConcurrentQueue<string> Requests { get; } = new();

    public Uri Url(string folder) => new($"http://127.0.0.1:{Port}/{folder}/");

    /// <summary>A loopback URL on which nothing listens (connection refused).</summary>
    public static Uri ClosedPortUrl() => new($"http://127.0.0.1:{FreePort()}/mnist/");

    public int CountRequests(string prefix) => Requests.Count(r => r.StartsWith(prefix, StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or OperationCanceledException)
        {
        }

        _listener.Close();
        _stop.Dispose();
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => RespondAsync(context));
        }
    }

    private async Task RespondAsync(HttpListenerContext context)
    {
        try
        {
            string path = context.Request.Url!.AbsolutePath;
            Requests.Enqueue(path);
            LoopbackResponse response = _handler(path);
            if (response.Stall)
            {
                await Task.Delay(Timeout.Infinite, _stop.Token);
            }

            context.Response.StatusCode = response.Status;
            context.Response.ContentLength64 = response.Body.Length;
            await context.Response.OutputStream.WriteAsync(response.Body, _stop.Token);
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            try
            {
                context.Response.Abort();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
