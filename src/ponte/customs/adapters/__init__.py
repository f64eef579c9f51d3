"""The customs capability's transports: the outbox's file drop and the e-port simulator."""
