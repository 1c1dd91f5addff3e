using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Migration.Testing;

namespace Migration.Guidance.Tests.Model;

/// <summary>
/// A local HTTP server (Kestrel) speaking the OpenAI chat-completions protocol with scripted turns: each request takes
/// the next scripted step, which sees the request (messages, tool results) and answers with a tool call, a text, an
/// error status or a delay. Every request is kept for assertions.
/// </summary>
public sealed class FakeChatCompletionServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Func<JsonNode, Step>> _script = new();
    private readonly ConcurrentQueue<(JsonNode Body, string? Authorization)> _requests = new();

    private FakeChatCompletionServer(WebApplication app, Uri endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    /// <summary>The base address to configure as Guidance:Model:Endpoint.</summary>
    public Uri Endpoint { get; }

    public IReadOnlyCollection<(JsonNode Body, string? Authorization)> Requests => _requests;

    public sealed record Step(int Status, string Body, TimeSpan Delay);

    public static async Task<FakeChatCompletionServer> StartAsync()
    {
        var port = FreePort.Many(1)[0];
        var builder = WebApplication.CreateSlimBuilder();
        // HTTP/1.1 like the real endpoints (the server's appsettings in this folder default Kestrel to HTTP/2 only).
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http1));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeChatCompletionServer(app, new Uri($"http://127.0.0.1:{port}/v1"));
        app.MapPost("/v1/chat/completions", server.HandleAsync);
        await app.StartAsync();
        return server;
    }

    public void Enqueue(Func<JsonNode, Step> step) => _script.Enqueue(step);

    public void Clear()
    {
        _script.Clear();
        _requests.Clear();
    }

    public static Step ToolCall(string function, object arguments) => new(200, Completion(new JsonObject
    {
        ["role"] = "assistant",
        ["content"] = null,
        ["tool_calls"] = new JsonArray(new JsonObject
        {
            ["id"] = "call_" + Guid.NewGuid().ToString("N")[..8],
            ["type"] = "function",
            ["function"] = new JsonObject { ["name"] = "migration-" + function, ["arguments"] = JsonSerializer.Serialize(arguments) },
        }),
    }, "tool_calls"), TimeSpan.Zero);

    public static Step Text(string content) =>
        new(200, Completion(new JsonObject { ["role"] = "assistant", ["content"] = content }, "stop"), TimeSpan.Zero);

    /// <summary>The content of the last tool result the client sent back (what the function returned).</summary>
    public static string LastToolResult(JsonNode request) =>
        request["messages"]!.AsArray().Last(m => (string?)m!["role"] == "tool")!["content"]!.ToString();

    private async Task HandleAsync(HttpContext context)
    {
        var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) ?? new JsonObject();
        _requests.Enqueue((body, context.Request.Headers.Authorization.ToString()));
        var step = _script.TryDequeue(out var next) ? next(body) : new Step(500, """{"error":{"message":"no scripted step left"}}""", TimeSpan.Zero);
        if (step.Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(step.Delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        context.Response.StatusCode = step.Status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(step.Body, context.RequestAborted);
    }

    private static string Completion(JsonObject message, string finishReason) => new JsonObject
    {
        ["id"] = "chatcmpl-" + Guid.NewGuid().ToString("N")[..10],
        ["object"] = "chat.completion",
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["model"] = "scripted-model",
        ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = finishReason }),
        ["usage"] = new JsonObject { ["prompt_tokens"] = 10, ["completion_tokens"] = 10, ["total_tokens"] = 20 },
    }.ToJsonString();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
