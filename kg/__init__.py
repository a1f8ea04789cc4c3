"""kg: knowledge graphs from Chinese platform-economy news."""
