using System.Globalization;
using Microsoft.Extensions.Logging;
using Migration.Redis.Hosting;
using StackExchange.Redis;

namespace Migration.Redis.Events;

/// <summary>
/// Wakes waiters when an append is published on a migration's channel. One subscription per channel is shared by all
/// of its waiters (on the multiplexer's one subscriber connection) and dropped when the last waiter leaves.
/// </summary>
internal sealed class EventNotifications(IConnectionMultiplexer redis, ILogger logger)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Channel> _channels = new(StringComparer.Ordinal);

    /// <summary>
    /// Completes when a sequence after <paramref name="afterSequence"/> is published, when
    /// <paramref name="currentSequence"/> (read once subscribed, so nothing is missed in between) is already past it,
    /// or when <paramref name="timeout"/> passes.
    /// </summary>
    public async Task WaitAsync(string channelName, long afterSequence, Func<CancellationToken, Task<long>> currentSequence, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waiter = new Waiter(afterSequence);
        var (channel, subscribe) = Join(channelName, waiter);
        try
        {
            if (subscribe)
            {
                await SubscribeAsync(channelName, channel);
            }

            await channel.Subscribed.Task.WaitAsync(cancellationToken);
            if (await currentSequence(cancellationToken) > afterSequence)
            {
                return;
            }

            try
            {
                await waiter.Signal.Task.WaitAsync(timeout, cancellationToken);
            }
            catch (TimeoutException) when (!waiter.Signal.Task.IsCompleted)
            {
                // The timeout is a normal end: the caller reads again either way.
            }
        }
        finally
        {
            Leave(channelName, channel, waiter);
        }
    }

    private (Channel Channel, bool Subscribe) Join(string channelName, Waiter waiter)
    {
        lock (_gate)
        {
            var subscribe = false;
            if (!_channels.TryGetValue(channelName, out var channel))
            {
                channel = new Channel();
                channel.Handler = (_, message) => Notify(channel, message);
                _channels.Add(channelName, channel);
                subscribe = true;
            }

            channel.Waiters.Add(waiter);
            return (channel, subscribe);
        }
    }

    private async Task SubscribeAsync(string channelName, Channel channel)
    {
        try
        {
            await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(channelName), channel.Handler);
            channel.Subscribed.TrySetResult();
        }
        catch (Exception exception)
        {
            RedisLog.SubscriptionFailed(logger, exception, channelName);
            lock (_gate)
            {
                // Let the next waiter try again rather than join a failed subscription.
                if (_channels.TryGetValue(channelName, out var current) && ReferenceEquals(current, channel))
                {
                    _channels.Remove(channelName);
                }
            }

            channel.Subscribed.TrySetException(exception);
        }
    }

    private void Leave(string channelName, Channel channel, Waiter waiter)
    {
        lock (_gate)
        {
            channel.Waiters.Remove(waiter);
            if (channel.Waiters.Count > 0 || !_channels.TryGetValue(channelName, out var current) || !ReferenceEquals(current, channel))
            {
                return;
            }

            _channels.Remove(channelName);
        }

        // Removes this channel object's handler only: a newer subscription to the same channel keeps its own.
        if (channel.Subscribed.Task.IsCompletedSuccessfully)
        {
            _ = UnsubscribeAsync(channelName, channel);
        }
    }

    private async Task UnsubscribeAsync(string channelName, Channel channel)
    {
        try
        {
            await redis.GetSubscriber().UnsubscribeAsync(RedisChannel.Literal(channelName), channel.Handler);
        }
        catch (Exception exception) when (exception is RedisException or ObjectDisposedException)
        {
            // The connection is gone or going: its subscriptions went with it.
        }
    }

    private void Notify(Channel channel, RedisValue message)
    {
        var sequence = long.TryParse(message.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : long.MaxValue;
        lock (_gate)
        {
            foreach (var waiter in channel.Waiters)
            {
                if (sequence > waiter.AfterSequence)
                {
                    waiter.Signal.TrySetResult();
                }
            }
        }
    }

    private sealed class Channel
    {
        public List<Waiter> Waiters { get; } = [];

        public TaskCompletionSource Subscribed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Action<RedisChannel, RedisValue> Handler { get; set; } = static (_, _) => { };
    }

    private sealed class Waiter(long afterSequence)
    {
        public long AfterSequence => afterSequence;

        public TaskCompletionSource Signal { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
