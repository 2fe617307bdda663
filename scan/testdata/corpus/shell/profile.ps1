# PowerShell profile
$env:AWS_ACCESS_KEY_ID="{{KEY_ID}}"
$env:AWS_SECRET_ACCESS_KEY="{{SECRET}}"
Set-AWSCredential -AccessKey {{KEY_ID}} -SecretKey {{SECRET}} -StoreAs default
$env:AWS_SESSION_TOKEN = $null
