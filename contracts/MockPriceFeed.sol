// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title MockPriceFeed
/// @notice A stand-in for a Chainlink price feed (the AggregatorV3Interface read side)
/// on local chains. It holds one round, which anyone may overwrite, so tests can make
/// a rate move, go stale or come from an old round.
contract MockPriceFeed {
    uint8 public immutable decimals;
    string public description;
    uint256 public constant version = 4;

    uint80 private _roundId;
    int256 private _answer;
    uint256 private _startedAt;
    uint256 private _updatedAt;
    uint80 private _answeredInRound;

    event RoundSet(uint80 indexed roundId, int256 answer, uint256 updatedAt);

    error NoDataPresent();

    /// @notice Starts at round 1 with `answer`, updated now (the deploying block's time).
    constructor(uint8 decimals_, string memory description_, int256 answer) {
        decimals = decimals_;
        description = description_;
        _set(1, answer, block.timestamp, block.timestamp, 1);
    }

    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        return (_roundId, _answer, _startedAt, _updatedAt, _answeredInRound);
    }

    /// @notice Only the current round is kept; older ids revert as Chainlink does for
    /// rounds it has no data for.
    function getRoundData(uint80 roundId)
        external
        view
        returns (uint80, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        if (roundId != _roundId) revert NoDataPresent();
        return (_roundId, _answer, _startedAt, _updatedAt, _answeredInRound);
    }

    /// @notice A new answer in the next round, updated now.
    function setAnswer(int256 answer) external {
        _set(_roundId + 1, answer, block.timestamp, block.timestamp, _roundId + 1);
    }

    /// @notice Sets every field of the round, e.g. an `updatedAt` in the past (a stale
    /// feed) or `answeredInRound < roundId` (an answer carried over from an older round).
    function setRoundData(uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
        external
    {
        _set(roundId, answer, startedAt, updatedAt, answeredInRound);
    }

    function _set(uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound) private {
        _roundId = roundId;
        _answer = answer;
        _startedAt = startedAt;
        _updatedAt = updatedAt;
        _answeredInRound = answeredInRound;
        emit RoundSet(roundId, answer, updatedAt);
    }
}
