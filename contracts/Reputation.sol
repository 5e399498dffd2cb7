// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

import {IRatingSource, IReputation, Role} from "./interfaces/IReputation.sol";

/// @title Reputation — non-transferable, fading scores per (account, role), counterparty ratings and identity
/// attestations
/// @notice Registered modules (Crowdfund, Bounty) credit and debit scores as things happen; counterparties
/// rate each other once per relationship, weighted by what the module says the relationship was worth;
/// registered attesters vouch for identities. Scores fade with a half-life. Nothing here can be transferred.
/// @dev A score is a replay of its ScoreChanged events: each write fades the stored value from its last update
/// to now with the half-life in force, then adds the points, and the event carries both the points and the
/// new score. backend/crowdledger/reputation.py replays the log with the same integer arithmetic.
contract Reputation is IReputation, Ownable2Step, EIP712, Nonces {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @dev One slot: the value as of `updatedAt`, before fading since then.
    struct Score {
        int192 value;
        uint64 updatedAt;
    }

    /// @dev One slot (160 + 8 + 64 bits). attester is address(0) when there is none.
    struct Attestation {
        address attester;
        uint8 level;
        uint64 expiresAt; // valid while block.timestamp < expiresAt
    }

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @param points what was added, after fading the stored value to now
    /// @param newScore the stored value after this change
    /// @param module the module that recorded it (for a rating: the rating's source)
    /// @param ref the campaign or task id in that module
    event ScoreChanged(
        address indexed subject,
        Role indexed role,
        int256 points,
        int256 newScore,
        bytes32 reason,
        address indexed module,
        uint256 ref
    );
    event Rated(
        address indexed rater,
        address indexed subject,
        address indexed source,
        uint256 ref,
        uint8 stars,
        uint256 weightBps
    );
    event HalfLifeChanged(uint256 oldHalfLife, uint256 newHalfLife);
    event ModuleSet(address indexed module, bool registered);
    event AttesterSet(address indexed attester, bool registered);
    event Attested(address indexed account, address indexed attester, uint8 level, uint64 expiresAt);
    event AttestationRevoked(address indexed account, address indexed attester);

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    error ZeroAddress();
    // scores
    error NotAModule(address caller);
    error PointsOutOfRange(int256 points, int256 maxMagnitude);
    error ScoreOutOfRange(int256 newScore);
    // ratings
    error StarsOutOfRange(uint8 stars, uint8 min, uint8 max);
    error SelfRating();
    error NotACounterparty(address source, uint256 ref, address rater, address subject);
    error AlreadyRated(address source, uint256 ref, address rater, address subject);
    // attestations
    error NotAnAttester(address attester);
    error LevelIsZero();
    error ExpiryNotInFuture(uint256 expiresAt, uint256 now_);
    error SignatureExpired(uint256 deadline, uint256 now_);
    error InvalidSignature(address attester);
    error NoAttestation(address account);
    error NotTheAttester(address caller, address attester);

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    uint256 public constant BPS = 10_000;
    uint32 public constant DEFAULT_HALF_LIFE = 90 days;
    /// @notice What each star above or below a neutral 3 moves a score by, at full weight: 5 stars add twice
    /// this, 1 star takes twice this away.
    uint256 public constant RATING_POINTS = 10e18;
    uint8 public constant MIN_STARS = 1;
    uint8 public constant MAX_STARS = 5;
    uint8 internal constant NEUTRAL_STARS = 3;
    /// @notice Past this many half-lives a score has faded to zero (a right shift by 192 clears an int192).
    uint256 internal constant FULL_FADE_HALVINGS = 192;
    bytes32 public constant ATTEST_TYPEHASH =
        keccak256("Attest(address account,uint8 level,uint64 expiresAt,uint256 nonce,uint256 deadline)");
    bytes32 internal constant RATING_REASON = "rating";

    /// @notice Seconds for a score to fade to half; 0 means scores never fade.
    uint32 public halfLife;
    mapping(address module => bool) public isModule;
    mapping(address attester => bool) public isAttester;
    mapping(address subject => mapping(Role role => Score)) internal _scores;
    /// @dev keccak256(abi.encode(source, ref, rater, subject)) => rated; see hasRated.
    mapping(bytes32 ratingKey => bool) internal _rated;
    mapping(address account => Attestation) internal _attestations;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    constructor(address owner_) Ownable(owner_) EIP712("CrowdLedger Reputation", "1") {
        _setHalfLife(DEFAULT_HALF_LIFE);
    }

    /*//////////////////////////////////////////////////////////////
                                 SCORES
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IReputation
    /// @dev |points| must fit in an int192, and so must the new score.
    function record(address subject, Role role, int256 points, bytes32 reason, uint256 ref) external {
        if (!isModule[msg.sender]) revert NotAModule(msg.sender);
        if (subject == address(0)) revert ZeroAddress();
        if (points > type(int192).max || points < -type(int192).max) {
            revert PointsOutOfRange(points, type(int192).max);
        }
        _addPoints(subject, role, points, reason, msg.sender, ref);
    }

    /*//////////////////////////////////////////////////////////////
                                RATINGS
    //////////////////////////////////////////////////////////////*/

    /// @notice Rate `subject` 1 to 5 stars for the relationship `ref` in module `source`, once. The module says
    /// whether you were `subject`'s counterparty there, in which role `subject` is rated, and how much your
    /// rating weighs. 3 stars is neutral; each star above or below moves the score by RATING_POINTS × weight.
    /// @dev points = (stars − 3) × RATING_POINTS × weightBps / BPS. RATING_POINTS is a multiple of BPS, so the
    /// division is exact; were it not, it would round the magnitude down (toward zero) for praise and blame
    /// alike. The source is only read (a static call), so nothing can re-enter.
    function rate(address source, uint256 ref, address subject, uint8 stars) external {
        if (stars < MIN_STARS || stars > MAX_STARS) revert StarsOutOfRange(stars, MIN_STARS, MAX_STARS);
        if (subject == msg.sender) revert SelfRating();
        if (!isModule[source]) revert NotAModule(source);
        bytes32 key = _ratingKey(source, ref, msg.sender, subject);
        if (_rated[key]) revert AlreadyRated(source, ref, msg.sender, subject);
        (Role role, uint256 weightBps) = IRatingSource(source).ratingWeight(ref, msg.sender, subject);
        if (weightBps == 0) revert NotACounterparty(source, ref, msg.sender, subject);
        if (weightBps > BPS) weightBps = BPS;

        _rated[key] = true;
        uint256 magnitude = (RATING_POINTS * weightBps) / BPS; // exact, see @dev
        int256 points = (int256(uint256(stars)) - int256(uint256(NEUTRAL_STARS))) * int256(magnitude);
        emit Rated(msg.sender, subject, source, ref, stars, weightBps);
        _addPoints(subject, role, points, RATING_REASON, source, ref);
    }

    /*//////////////////////////////////////////////////////////////
                              ATTESTATIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice As a registered attester, vouch for `account`'s identity at `level` until `expiresAt`. Replaces
    /// any attestation `account` had, from whichever attester.
    function attest(address account, uint8 level, uint64 expiresAt) external {
        if (!isAttester[msg.sender]) revert NotAnAttester(msg.sender);
        _attest(account, level, expiresAt, msg.sender);
    }

    /// @notice Submit `attester`'s EIP-712 signed attestation (anyone may; the attester need not pay gas).
    /// Works for contract attesters too (ERC-1271). Each signature carries the attester's next nonce, so it
    /// can be used once.
    function attestBySig(
        address account,
        uint8 level,
        uint64 expiresAt,
        address attester,
        uint256 deadline,
        bytes calldata signature
    ) external {
        if (block.timestamp > deadline) revert SignatureExpired(deadline, block.timestamp);
        if (!isAttester[attester]) revert NotAnAttester(attester);
        bytes32 structHash =
            keccak256(abi.encode(ATTEST_TYPEHASH, account, level, expiresAt, _useNonce(attester), deadline));
        if (!SignatureChecker.isValidSignatureNowCalldata(attester, _hashTypedDataV4(structHash), signature)) {
            revert InvalidSignature(attester);
        }
        _attest(account, level, expiresAt, attester);
    }

    /// @notice Withdraw the attestation you issued for `account`. Works even after you were deregistered.
    function revoke(address account) external {
        address attester = _attestations[account].attester;
        if (attester == address(0)) revert NoAttestation(account);
        if (attester != msg.sender) revert NotTheAttester(msg.sender, attester);
        delete _attestations[account];
        emit AttestationRevoked(account, attester);
    }

    /*//////////////////////////////////////////////////////////////
                                 ADMIN
    //////////////////////////////////////////////////////////////*/

    /// @notice Allow or stop `module` recording scores and being a rating source.
    function setModule(address module, bool registered) external onlyOwner {
        if (module == address(0)) revert ZeroAddress();
        isModule[module] = registered;
        emit ModuleSet(module, registered);
    }

    /// @notice Allow or stop `attester` attesting. Deregistering also voids every attestation it issued
    /// (isVerified checks the attester is still registered); registering it again revives them.
    function setAttester(address attester, bool registered) external onlyOwner {
        if (attester == address(0)) revert ZeroAddress();
        isAttester[attester] = registered;
        emit AttesterSet(attester, registered);
    }

    /// @notice Set the half-life in seconds (0: no fading). It applies from now on to every score, also to
    /// the time since each score's last change.
    function setHalfLife(uint32 newHalfLife) external onlyOwner {
        _setHalfLife(newHalfLife);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IReputation
    function scoreOf(address subject, Role role) external view returns (int256) {
        Score memory s = _scores[subject][role];
        return fade(s.value, block.timestamp - s.updatedAt, halfLife);
    }

    /// @notice The raw stored score, before fading since `updatedAt` (for auditors replaying the log).
    function score(address subject, Role role) external view returns (int256 value, uint64 updatedAt) {
        Score memory s = _scores[subject][role];
        return (s.value, s.updatedAt);
    }

    /// @inheritdoc IReputation
    function isVerified(address account, uint8 minLevel) external view returns (bool) {
        Attestation memory a = _attestations[account];
        return a.attester != address(0) && isAttester[a.attester] && a.level >= minLevel
            && block.timestamp < a.expiresAt;
    }

    /// @notice `account`'s attestation (attester address(0) when there is none), whether or not still valid.
    function attestationOf(address account) external view returns (Attestation memory) {
        return _attestations[account];
    }

    /// @notice Whether `rater` has rated `subject` for relationship `ref` of `source`.
    function hasRated(address source, uint256 ref, address rater, address subject) external view returns (bool) {
        return _rated[_ratingKey(source, ref, rater, subject)];
    }

    /// @notice `value` faded over `elapsed` seconds: halved once per whole half-life, then reduced linearly
    /// by up to a half between halvings. 0 half-life: no fading.
    /// @dev Works on the magnitude and keeps the sign, so every step truncates toward zero, exactly as
    /// crowdledger.reputation.fade does. m <= 2^191 and r < 2^32, so m * r cannot overflow.
    function fade(int192 value, uint256 elapsed, uint32 halfLife_) public pure returns (int256) {
        if (halfLife_ == 0 || elapsed == 0 || value == 0) return value;
        uint256 m = value < 0 ? uint256(-int256(value)) : uint256(int256(value));
        uint256 n = elapsed / halfLife_;
        if (n >= FULL_FADE_HALVINGS) return 0;
        m >>= n;
        m -= (m * (elapsed % halfLife_)) / (2 * uint256(halfLife_));
        return value < 0 ? -int256(m) : int256(m);
    }

    /*//////////////////////////////////////////////////////////////
                               INTERNALS
    //////////////////////////////////////////////////////////////*/

    /// @dev Fade the stored value to now with the half-life in force, add `points` (|points| <= int192 max),
    /// store with the new time, emit.
    function _addPoints(address subject, Role role, int256 points, bytes32 reason, address module, uint256 ref)
        internal
    {
        Score storage s = _scores[subject][role];
        int256 newScore = fade(s.value, block.timestamp - s.updatedAt, halfLife) + points;
        if (newScore > type(int192).max || newScore < type(int192).min) revert ScoreOutOfRange(newScore);
        s.value = int192(newScore);
        s.updatedAt = uint64(block.timestamp);
        emit ScoreChanged(subject, role, points, newScore, reason, module, ref);
    }

    function _attest(address account, uint8 level, uint64 expiresAt, address attester) internal {
        if (account == address(0)) revert ZeroAddress();
        if (level == 0) revert LevelIsZero();
        if (expiresAt <= block.timestamp) revert ExpiryNotInFuture(expiresAt, block.timestamp);
        _attestations[account] = Attestation(attester, level, expiresAt);
        emit Attested(account, attester, level, expiresAt);
    }

    function _setHalfLife(uint32 newHalfLife) internal {
        emit HalfLifeChanged(halfLife, newHalfLife);
        halfLife = newHalfLife;
    }

    function _ratingKey(address source, uint256 ref, address rater, address subject)
        internal
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(source, ref, rater, subject));
    }
}
