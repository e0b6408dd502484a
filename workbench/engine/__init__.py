"""The conversation engine: pure asyncio, no Qt."""
