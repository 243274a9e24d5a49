"""torrc templates of the private Tor network, one per role, exactly as in the measured recipe
(shared/reference/tor-private-network.md). Used by `vigie_kit.tornet`."""

from __future__ import annotations

__all__ = ["ALL_NODES", "AUTHORITY", "CLIENT", "HS_NODE", "RELAY"]

ALL_NODES = """\
TestingTorNetwork 1
AssumeReachable 1
PathsNeededToBuildCircuits 0.25
TestingDirAuthVoteExit *
TestingDirAuthVoteGuard *
TestingDirAuthVoteHSDir {hsdirs}
TestingMinExitFlagThreshold 0
Sandbox 0
AddressDisableIPv6 1
ClientUseIPv6 0
ShutdownWaitLength 0
SafeLogging 0
RunAsDaemon 0
Nickname {nick}
DataDirectory {datadir}
Log notice file {datadir}/notice.log
ServerDNSResolvConfFile {resolv}
ServerDNSDetectHijacking 0
ContactInfo vigie-test@localhost
"""

RELAY = """\
Address 127.0.0.1
ORPort 127.0.0.1:{orport}
SocksPort 0
ExitRelay 1
ExitPolicyRejectPrivate 0
ExitPolicyRejectLocalInterfaces 0
ExitPolicy accept 127.0.0.0/8:*
ExitPolicy reject *:*
RefuseUnknownExits 0
"""

AUTHORITY = """\
DirPort 127.0.0.1:{dirport}
AuthoritativeDirectory 1
V3AuthoritativeDirectory 1
AuthDirMaxServersPerAddr 0
TestingV3AuthInitialVotingInterval 5
V3AuthVotingInterval 10
TestingV3AuthInitialVoteDelay 2
V3AuthVoteDelay 2
TestingV3AuthInitialDistDelay 2
V3AuthDistDelay 2
"""

HS_NODE = """\
SocksPort 0
ControlPort 127.0.0.1:{control}
CookieAuthentication 1
"""

CLIENT = """\
SocksPort 127.0.0.1:{socks}
ControlPort 127.0.0.1:{control}
CookieAuthentication 1
UseMicrodescriptors 0
"""
