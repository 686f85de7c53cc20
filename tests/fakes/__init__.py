"""Fakes of outside services that the tests talk to over real sockets on loopback."""
